import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createContextKey, type HandlerContext, type Interceptor } from "@connectrpc/connect";
import { BookService, GetBookRequestSchema, ListBooksRequestSchema } from "@lms/gen/library/book/v1/book_pb";
import { describe, expect, it } from "vitest";
import { bindService, type CallInit, createInvoker } from "./invoker.js";

const who = createContextKey("nobody");
const setCaller: Interceptor = (next) => (req) => {
  req.contextValues.set(who, req.header.get("x-caller") ?? "anonymous");
  return next(req);
};

/** An invoker whose GetBook hands its context to `onCall` and answers once `onCall` resolves. */
function invokerWith(onCall: (ctx: HandlerContext) => Promise<void> | void) {
  return createInvoker(
    [
      bindService(BookService, {
        async getBook(req, ctx) {
          await onCall(ctx);
          return { id: req.id, title: ctx.values.get(who) };
        },
      }),
    ],
    [setCaller],
  );
}

const init = (over: Partial<CallInit> = {}): CallInit => ({
  protocolName: "grpc",
  url: "/x",
  header: new Headers({ "x-caller": "ada" }),
  ...over,
});
const getBook = BookService.method.getBook;

describe("createInvoker", () => {
  it("runs the interceptors before the handler and gives the handler the values they set", async () => {
    const res = await invokerWith(() => {}).unary(getBook, init(), create(GetBookRequestSchema, { id: "b1" }));
    expect(res.message).toMatchObject({ id: "b1", title: "ada" });
  });

  it("answers UNIMPLEMENTED for a method the service does not implement", async () => {
    const err = await invokerWith(() => {})
      .unary(BookService.method.listBooks, init(), create(ListBooksRequestSchema))
      .then(
        () => undefined,
        (e: unknown) => ConnectError.from(e),
      );
    expect(err?.code).toBe(Code.Unimplemented);
  });

  it("gives the handler the caller's deadline, and a signal that aborts with DEADLINE_EXCEEDED when it passes", async () => {
    let left: number | undefined;
    let reason: unknown;
    const invoker = invokerWith(async (ctx) => {
      left = ctx.timeoutMs();
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
      reason = ctx.signal.reason;
    });
    await invoker.unary(getBook, init({ timeoutMs: 30 }), create(GetBookRequestSchema, { id: "b1" }));
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(30);
    expect(ConnectError.from(reason).code).toBe(Code.DeadlineExceeded);
  });

  it("aborts the handler's signal when the caller goes away, and once the call is over", async () => {
    const caller = new AbortController();
    let during: AbortSignal | undefined;
    const leaving = invokerWith(async (ctx) => {
      during = ctx.signal;
      const aborted = new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
      caller.abort(new ConnectError("gone", Code.Canceled));
      await aborted;
    });
    await leaving.unary(getBook, init({ signal: caller.signal }), create(GetBookRequestSchema, { id: "b1" }));
    expect(ConnectError.from(during?.reason).rawMessage).toBe("gone");

    let kept: AbortSignal | undefined;
    await invokerWith((ctx) => {
      kept = ctx.signal;
    }).unary(getBook, init(), create(GetBookRequestSchema, { id: "b1" }));
    expect(kept?.aborted).toBe(true);
  });
});
