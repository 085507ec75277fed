import http2 from "node:http2";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { Health, HealthCheckResponse_ServingStatus } from "@lms/gen/grpc/health/v1/health_pb";
import { BookSchema, BookService, GetBookRequestSchema } from "@lms/gen/library/book/v1/book_pb";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createErrorInterceptor } from "../errors/error.interceptor.js";
import { failedPrecondition } from "../errors/errors.js";
import { createGrpcServer, type GrpcServer } from "./grpc-server.js";
import { bindService, createInvoker } from "./invoker.js";

const LONG = "x".repeat(4096); // well over the 1 KiB a Connect server would start compressing at

let server: GrpcServer;
let port: number;
/** What the handlers saw, by test. */
const seen: { timeoutMs?: number; streamAborted?: Promise<void> } = {};

const echoRequestId: Interceptor = (next) => async (req) => {
  const res = await next(req);
  res.header.set("x-request-id", req.header.get("x-request-id") ?? "none");
  return res;
};

beforeAll(async () => {
  const invoker = createInvoker(
    [
      bindService(BookService, {
        getBook(req, ctx) {
          seen.timeoutMs = ctx.timeoutMs();
          return create(BookSchema, { id: req.id, description: LONG });
        },
        borrowBook(req) {
          throw failedPrecondition("NO_COPIES_AVAILABLE", "no copy of Zoë's book is available", { bookId: req.id });
        },
        returnBook() {
          throw new Error('relation "loans" does not exist');
        },
      }),
      bindService(Health, {
        check: () => ({ status: HealthCheckResponse_ServingStatus.SERVING }),
        async *watch(req, ctx) {
          if (req.service === "fails") {
            yield { status: HealthCheckResponse_ServingStatus.SERVING };
            throw new Error("connection lost");
          }
          seen.streamAborted = new Promise((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
          for (const status of [HealthCheckResponse_ServingStatus.SERVING, HealthCheckResponse_ServingStatus.NOT_SERVING]) yield { status };
          await seen.streamAborted;
        },
      }),
    ],
    [echoRequestId, createErrorInterceptor(pino({ level: "silent" }))],
  );
  server = createGrpcServer(invoker);
  port = await server.listen(0, "127.0.0.1");
});
afterAll(() => server.close(1000));

const transport = () => createGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` });

/** The error a call failed with (the test fails if it succeeded). */
async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error("the call succeeded");
}

/** One unary gRPC call over a bare HTTP/2 client: the answer's first message frame. */
async function rawCall(headers: Record<string, string>): Promise<{ flag: number; body: Buffer }> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  try {
    const message = Buffer.from(toBinary(GetBookRequestSchema, create(GetBookRequestSchema, { id: "b1" })));
    const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, message.length]), message]);
    const stream = session.request({
      ":method": "POST",
      ":path": "/library.book.v1.BookService/GetBook",
      "content-type": "application/grpc",
      te: "trailers",
      ...headers,
    });
    stream.end(frame);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const data = Buffer.concat(chunks);
    return { flag: data[0], body: data.subarray(5, 5 + data.readUInt32BE(1)) };
  } finally {
    session.close();
  }
}

describe("createGrpcServer", () => {
  it("answers a large message uncompressed even to a client that accepts gzip", async () => {
    const res = await rawCall({ "grpc-accept-encoding": "gzip" });
    expect(res.flag).toBe(0); // the frame's compressed flag
    expect(fromBinary(BookSchema, res.body).description).toBe(LONG);
  });

  it("runs the interceptors, sends the headers they set and hands the caller's deadline to the handler", async () => {
    const client = createClient(BookService, transport());
    let requestId: string | null = null;
    const book = await client.getBook(
      { id: "b1" },
      { headers: { "x-request-id": "r-42" }, timeoutMs: 5000, onHeader: (h) => (requestId = h.get("x-request-id")) },
    );
    expect(book.id).toBe("b1");
    expect(requestId).toBe("r-42");
    expect(seen.timeoutMs).toBeGreaterThan(3000);
    expect(seen.timeoutMs).toBeLessThanOrEqual(5000);
  });

  it("sends a deliberate error's code, message and ErrorInfo as a gRPC client expects them", async () => {
    const err = await failure(createClient(BookService, transport()).borrowBook({ id: "b7" }));
    expect(err.code).toBe(Code.FailedPrecondition);
    expect(err.rawMessage).toBe("no copy of Zoë's book is available");
    const info = err.findDetails(ErrorInfoSchema)[0];
    expect(info?.reason).toBe("NO_COPIES_AVAILABLE");
    expect(info?.metadata.bookId).toBe("b7");
  });

  it("answers INTERNAL without the cause's text for an unexpected failure, and UNIMPLEMENTED for a missing method", async () => {
    const client = createClient(BookService, transport());
    const internal = await failure(client.returnBook({ id: "b1" }));
    expect([internal.code, internal.rawMessage]).toEqual([Code.Internal, "internal error"]);
    const missing = await failure(client.listBooks({}));
    expect(missing.code).toBe(Code.Unimplemented);
  });

  it("streams a server-streaming method's messages in order, and aborts the handler when the caller leaves", async () => {
    const statuses: HealthCheckResponse_ServingStatus[] = [];
    const leave = new AbortController();
    const cancelled = await failure(
      (async () => {
        for await (const res of createClient(Health, transport()).watch({ service: "" }, { signal: leave.signal })) {
          statuses.push(res.status);
          if (statuses.length === 2) leave.abort(); // cancels while the handler still waits
        }
      })(),
    );
    expect(cancelled.code).toBe(Code.Canceled);
    expect(statuses).toEqual([HealthCheckResponse_ServingStatus.SERVING, HealthCheckResponse_ServingStatus.NOT_SERVING]);
    await expect(seen.streamAborted).resolves.toBeUndefined();
  });

  it("ends a stream that fails after it started with the mapped error", async () => {
    const got: unknown[] = [];
    const err = await failure(
      (async () => {
        for await (const res of createClient(Health, transport()).watch({ service: "fails" })) got.push(res.status);
      })(),
    );
    expect(got).toEqual([HealthCheckResponse_ServingStatus.SERVING]);
    expect([err.code, err.rawMessage]).toEqual([Code.Internal, "internal error"]);
  });
});
