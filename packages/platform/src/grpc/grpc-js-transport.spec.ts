import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import type { DescMethodStreaming } from "@bufbuild/protobuf";
import { Code, ConnectError, type ConnectRouter, createClient, type Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { Health, HealthCheckResponse_ServingStatus } from "@lms/gen/grpc/health/v1/health_pb";
import { BookService } from "@lms/gen/library/book/v1/book_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGrpcJsTransport } from "./grpc-js-transport.js";

const { SERVING, NOT_SERVING, SERVICE_UNKNOWN } = HealthCheckResponse_ServingStatus;
const BIG = "x".repeat(5 * 1024 * 1024); // over grpc-js's default 4 MiB receive limit

/** Resolves when the server-side handler of the latest `watch` sees its call aborted. */
let watchAborted: Promise<void> = Promise.resolve();
let lastTimeoutMs: number | undefined;

/** Waits `ms`, or less if the call is aborted (so no handler outlives its call). */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => resolve(clearTimeout(timer)), { once: true });
  });

/** The reference server: Connect's own, nothing of ours. */
function routes(router: ConnectRouter) {
  router.service(BookService, {
    getBook(req, ctx) {
      lastTimeoutMs = ctx.timeoutMs();
      ctx.responseHeader.set("x-seen-key", ctx.requestHeader.get("x-server-key") ?? "none");
      ctx.responseHeader.set("x-request-id", ctx.requestHeader.get("x-request-id") ?? "none");
      ctx.responseHeader.set("x-trace-bin", ctx.requestHeader.get("x-trace-bin") ?? "");
      ctx.responseTrailer.set("x-rows", "1");
      return { id: req.id, title: `Title of ${req.id}`, description: req.id === "big" ? BIG : "" };
    },
    borrowBook(req) {
      if (req.id === "plain") throw new ConnectError("isbn: not 13 digits, got 12/13?", Code.InvalidArgument);
      throw new ConnectError("no copy of Zoë's book", Code.NotFound, undefined, [
        { desc: ErrorInfoSchema, value: { reason: "BOOK_NOT_FOUND", domain: "library.book.v1" } },
      ]);
    },
    async returnBook(req, ctx) {
      await sleep(5_000, ctx.signal);
      return { loan: { bookId: req.id } };
    },
  });
  router.service(Health, {
    async *watch(req, ctx) {
      watchAborted = new Promise((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
      ctx.responseHeader.set("x-seen-key", ctx.requestHeader.get("x-server-key") ?? "none");
      yield { status: SERVING };
      if (req.service === "fails") throw new ConnectError("feed lost", Code.Unavailable);
      yield { status: NOT_SERVING };
      yield { status: SERVICE_UNKNOWN };
      if (req.service === "endless") await sleep(10_000, ctx.signal);
      ctx.responseTrailer.set("x-sent", "3");
    },
  });
}

let server: http2.Http2Server;
let address: string;
const transports: { close(): void }[] = [];

/** A transport closed after the suite. */
function transport(opts: Omit<Parameters<typeof createGrpcJsTransport>[0], "address"> & { address?: string } = {}) {
  const t = createGrpcJsTransport({ address, ...opts });
  transports.push(t);
  return t;
}

/** Whether the latest `watch` handler saw its call aborted within a second (it runs 10 s otherwise). */
const watchAbortedSoon = () => Promise.race([watchAborted.then(() => true), new Promise((r) => setTimeout(() => r(false), 1_000))]);

/** The error a call failed with (the test fails if it succeeded). */
async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectError);
    return err as ConnectError;
  }
  throw new Error("the call succeeded");
}

beforeAll(async () => {
  server = http2.createServer(connectNodeAdapter({ routes }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const t of transports) t.close();
  await new Promise((resolve) => server.close(resolve));
});

describe("createGrpcJsTransport, unary", () => {
  it("returns the server's message, even one larger than grpc-js accepts by default", async () => {
    const client = createClient(BookService, transport());
    const book = await client.getBook({ id: "b1" });
    expect([book.id, book.title]).toEqual(["b1", "Title of b1"]);
    expect((await client.getBook({ id: "big" })).description).toBe(BIG);
  });

  it("sends request metadata (text and -bin) and the caller's deadline; hands back response headers and trailers", async () => {
    const trace = Buffer.from([0, 1, 2, 250, 255]);
    let header = new Headers();
    let trailer = new Headers();
    await createClient(BookService, transport()).getBook(
      { id: "b1" },
      {
        headers: { "x-server-key": "k-1", "x-trace-bin": trace.toString("base64") },
        timeoutMs: 5_000,
        onHeader: (h) => (header = h),
        onTrailer: (t) => (trailer = t),
      },
    );
    expect(header.get("x-seen-key")).toBe("k-1");
    expect(Buffer.from(header.get("x-trace-bin") ?? "", "base64")).toEqual(trace);
    expect([trailer.get("x-rows"), trailer.get("grpc-status")]).toEqual(["1", "0"]);
    expect(lastTimeoutMs).toBeGreaterThan(3_000);
    expect(lastTimeoutMs).toBeLessThanOrEqual(5_000);
  });

  it("turns a server error into the ConnectError Connect's client makes: code, message, ErrorInfo", async () => {
    const client = createClient(BookService, transport());
    const err = await failure(client.borrowBook({ id: "b7" }));
    expect([err.code, err.rawMessage]).toEqual([Code.NotFound, "no copy of Zoë's book"]);
    const info = err.findDetails(ErrorInfoSchema)[0];
    expect([info?.reason, info?.domain]).toEqual(["BOOK_NOT_FOUND", "library.book.v1"]);
    // Without details the message comes from grpc-message, which grpc-js only half-decodes.
    const plain = await failure(client.borrowBook({ id: "plain" }));
    expect([plain.code, plain.rawMessage]).toEqual([Code.InvalidArgument, "isbn: not 13 digits, got 12/13?"]);
  });

  it("fails with DEADLINE_EXCEEDED when the server is slower than the timeout, CANCELED when the caller aborts", async () => {
    const client = createClient(BookService, transport());
    const started = Date.now();
    const late = await failure(client.returnBook({ id: "b1" }, { timeoutMs: 100 }));
    expect(late.code).toBe(Code.DeadlineExceeded);
    const slow = await failure(createClient(BookService, transport({ defaultTimeoutMs: 100 })).returnBook({ id: "b1" }));
    expect(slow.code).toBe(Code.DeadlineExceeded);
    const leave = new AbortController();
    setTimeout(() => leave.abort(), 100);
    const cancelled = await failure(client.returnBook({ id: "b1" }, { signal: leave.signal }));
    expect(cancelled.code).toBe(Code.Canceled);
    const cancelledBefore = await failure(client.returnBook({ id: "b1" }, { signal: AbortSignal.abort() }));
    expect(cancelledBefore.code).toBe(Code.Canceled);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("runs the transport's interceptors, first one outermost", async () => {
    const order: string[] = [];
    const tag =
      (name: string): Interceptor =>
      (next) =>
      (req) => {
        order.push(name);
        req.header.set("x-request-id", order.join(">"));
        return next(req);
      };
    let header = new Headers();
    await createClient(BookService, transport({ interceptors: [tag("outer"), tag("inner")] })).getBook(
      { id: "b1" },
      { onHeader: (h) => (header = h) },
    );
    expect(header.get("x-request-id")).toBe("outer>inner");
  });

  it("fails fast with UNAVAILABLE when nothing listens at the address", async () => {
    const started = Date.now();
    const err = await failure(createClient(BookService, transport({ address: "127.0.0.1:1" })).getBook({ id: "b1" }, { timeoutMs: 5_000 }));
    expect(err.code).toBe(Code.Unavailable);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe("createGrpcJsTransport, server streaming", () => {
  it("sends request metadata, delivers the messages in order, then ends with the trailers", async () => {
    const got: HealthCheckResponse_ServingStatus[] = [];
    let header = new Headers();
    let trailer = new Headers();
    const stream = createClient(Health, transport()).watch(
      { service: "" },
      { headers: { "x-server-key": "k-2" }, onHeader: (h) => (header = h), onTrailer: (t) => (trailer = t) },
    );
    for await (const res of stream) got.push(res.status);
    expect(got).toEqual([SERVING, NOT_SERVING, SERVICE_UNKNOWN]);
    expect([header.get("x-seen-key"), trailer.get("x-sent")]).toEqual(["k-2", "3"]);
  });

  it("delivers what came before a failure, then the failure", async () => {
    const got: HealthCheckResponse_ServingStatus[] = [];
    const err = await failure(
      (async () => {
        for await (const res of createClient(Health, transport()).watch({ service: "fails" })) got.push(res.status);
      })(),
    );
    expect(got).toEqual([SERVING]);
    expect([err.code, err.rawMessage]).toEqual([Code.Unavailable, "feed lost"]);
  });

  it("cancels the call when the caller aborts after leaving the loop", async () => {
    // createClient's iterator has no return(), so a bare `break` cannot reach any transport
    // (Connect's own neither); the signal is how a caller ends a stream early.
    const leave = new AbortController();
    for await (const _ of createClient(Health, transport()).watch({ service: "endless" }, { signal: leave.signal })) break;
    leave.abort();
    expect(await watchAbortedSoon()).toBe(true);
  });

  it("cancels the call when its message iterator is left early (as an interceptor can)", async () => {
    const firstThenLinger: Interceptor = (next) => async (req) => {
      const res = await next(req);
      if (!res.stream) return res;
      async function* keepFirst<T>(messages: AsyncIterable<T>) {
        for await (const m of messages) {
          yield m;
          break;
        }
        // Keeps the call's signal un-aborted for a while: only leaving the loop can cancel the call.
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
      return { ...res, message: keepFirst(res.message) };
    };
    const stream = createClient(Health, transport({ interceptors: [firstThenLinger] })).watch({ service: "endless" });
    const it = stream[Symbol.asyncIterator]();
    expect((await it.next()).value?.status).toBe(SERVING);
    void it.next(); // the interceptor leaves the transport's iterator, then lingers
    expect(await watchAbortedSoon()).toBe(true);
  });

  it("rejects client-streaming and bidi methods as UNIMPLEMENTED", async () => {
    const bidi = { ...Health.method.watch, methodKind: "bidi_streaming" } as unknown as DescMethodStreaming;
    const err = await failure(transport().stream(bidi, undefined, undefined, undefined, (async function* () {})()));
    expect(err.code).toBe(Code.Unimplemented);
  });
});
