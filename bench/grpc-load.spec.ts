import { fromBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import { ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { BookService, GetBookRequestSchema } from "@lms/gen/library/book/v1/book_pb";
import { toStatus } from "@lms/platform/grpc/status";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callMetadata, grpcCallers } from "./grpc-load.js";

const ID = "0b7e3f5e-7d1a-4c3e-9a57-1f6f3b1e2a10";

/** What the server saw of one call. */
interface Seen {
  id: string;
  serverKey: unknown;
  authorization: unknown;
  peer: string;
}

// A real @grpc/grpc-js server answering GetBook by the id it was sent: "ok-…" succeeds,
// "refuse-<reason>" fails FAILED_PRECONDITION with that ErrorInfo reason, as our services do.
describe("gRPC load callers (against a @grpc/grpc-js server)", () => {
  const server = new grpc.Server();
  const seen: Seen[] = [];
  let address = "";

  beforeAll(async () => {
    const method = BookService.method.getBook;
    const definition = {
      GetBook: {
        path: `/${BookService.typeName}/${method.name}`,
        requestStream: false,
        responseStream: false,
        requestSerialize: (b: Buffer) => b,
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: (b: Buffer) => b,
        responseDeserialize: (b: Buffer) => b,
      },
    };
    server.addService(definition, {
      GetBook: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        const { id } = fromBinary(GetBookRequestSchema, call.request);
        const [serverKey] = call.metadata.get("x-server-key");
        const [authorization] = call.metadata.get("authorization");
        seen.push({ id, serverKey, authorization, peer: call.getPeer() });
        if (!id.startsWith("refuse-")) return callback(null, Buffer.alloc(0));
        const error = new ConnectError("no copy left", Code.FailedPrecondition, undefined, [
          { desc: ErrorInfoSchema, value: { reason: id.slice("refuse-".length), domain: "library.book.v1" } },
        ]);
        // As our services' gRPC port sends a refusal.
        callback(toStatus(error));
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    address = `127.0.0.1:${port}`;
  });
  afterAll(() => server.forceShutdown());

  it("sends the encoded request with each caller's own metadata and counts an answer as ok", async () => {
    seen.length = 0;
    const callers = grpcCallers(address, 2, (i) => callMetadata("key", `token-${i}`));
    expect(await callers[0].call(BookService.method.getBook, { id: ID })).toBe("ok");
    expect(await callers[1].call(BookService.method.getBook, { id: `ok-${ID}` })).toBe("ok");
    expect(seen.map(({ id, serverKey, authorization }) => ({ id, serverKey, authorization }))).toEqual([
      { id: ID, serverKey: "key", authorization: "Bearer token-0" },
      { id: `ok-${ID}`, serverKey: "key", authorization: "Bearer token-1" },
    ]);
  });

  it("counts an expected refusal by its ErrorInfo reason, and rejects any other failure with code, message and reason", async () => {
    const [caller] = grpcCallers(address, 1);
    expect(await caller.call(BookService.method.getBook, { id: "refuse-NO_COPIES_AVAILABLE" }, ["NO_COPIES_AVAILABLE"])).toBe("refused");
    await expect(caller.call(BookService.method.getBook, { id: "refuse-ALREADY_BORROWED" }, ["NO_COPIES_AVAILABLE"])).rejects.toThrow(
      "gRPC FAILED_PRECONDITION: no copy left (ALREADY_BORROWED)",
    );
  });

  it("multiplexes one run's callers on one connection, with their calls in flight together", async () => {
    seen.length = 0;
    const callers = grpcCallers(address, 16);
    const outcomes = await Promise.all(callers.map((c, i) => c.call(BookService.method.getBook, { id: `ok-${i}` })));
    expect(outcomes).toEqual(Array(16).fill("ok"));
    expect(new Set(seen.map((s) => s.id)).size).toBe(16);
    expect(new Set(seen.map((s) => s.peer)).size).toBe(1);
    // A second run's callers get a connection of their own.
    const [next] = grpcCallers(address, 1);
    await next.call(BookService.method.getBook, { id: "ok-next" });
    expect(seen.at(-1)?.peer).not.toBe(seen[0].peer);
  });
});
