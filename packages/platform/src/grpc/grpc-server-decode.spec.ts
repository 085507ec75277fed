import * as grpc from "@grpc/grpc-js";
import { Health, HealthCheckResponse_ServingStatus } from "@lms/gen/grpc/health/v1/health_pb";
import { BookService } from "@lms/gen/library/book/v1/book_pb";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createErrorInterceptor } from "../errors/error.interceptor.js";
import { createGrpcServer, type GrpcServer } from "./grpc-server.js";
import { bindService, createInvoker } from "./invoker.js";

let server: GrpcServer;
let client: grpc.Client;
const handled: string[] = [];

beforeAll(async () => {
  const invoker = createInvoker(
    [
      bindService(BookService, {
        getBook(req) {
          handled.push(req.id);
          return { id: req.id };
        },
      }),
      bindService(Health, {
        async *watch(req) {
          handled.push(req.service);
          yield { status: HealthCheckResponse_ServingStatus.SERVING };
        },
      }),
    ],
    [createErrorInterceptor(pino({ level: "silent" }))],
  );
  server = createGrpcServer(invoker);
  const port = await server.listen(0, "127.0.0.1");
  client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});
afterAll(async () => {
  client?.close();
  await server?.close(1000);
});

/** Field 1 (a string) holding `bytes` as they are: a request no conforming encoder would make. */
const stringField = (bytes: number[]) => Buffer.from([0x0a, bytes.length, ...bytes]);
const raw = (b: Buffer) => b;

function unary(path: string, body: Buffer): Promise<grpc.StatusObject | "ok"> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, raw, raw, body, (err) => resolve(err ?? "ok"));
  });
}

function serverStream(path: string, body: Buffer): Promise<grpc.StatusObject | "ok"> {
  return new Promise((resolve) => {
    const call = client.makeServerStreamRequest(path, raw, raw, body);
    call.on("data", () => undefined);
    call.on("error", (err: grpc.ServiceError) => resolve(err));
    call.on("end", () => resolve("ok"));
  });
}

describe("createGrpcServer with requests it cannot decode", () => {
  it("answers INVALID_ARGUMENT (not grpc-js's INTERNAL) to a string that is not UTF-8, without calling the handler", async () => {
    const bad = stringField([0x61, 0xff, 0xfe, 0x62]);
    const got = await unary("/library.book.v1.BookService/GetBook", bad);
    expect(got).toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    expect((got as grpc.StatusObject).details).toMatch(/not a valid library\.book\.v1\.GetBookRequest/);
    expect(await unary("/library.book.v1.BookService/GetBook", Buffer.from([0x0a, 0x05, 0x61]))).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT, // truncated: the string claims 5 bytes, 1 follows
    });
    expect(handled).toEqual([]);
  });

  it("does the same for a server-streaming method", async () => {
    const got = await serverStream("/grpc.health.v1.Health/Watch", stringField([0xc3]));
    expect(got).toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    expect(handled).toEqual([]);
  });

  it("still serves a well-formed request with odd but valid Unicode", async () => {
    const id = "📚 e\u0301 \u200F";
    expect(await unary("/library.book.v1.BookService/GetBook", stringField([...Buffer.from(id)]))).toBe("ok");
    expect(handled).toEqual([id]);
  });
});
