import { create, type DescMethod } from "@bufbuild/protobuf";
import { ConnectError } from "@connectrpc/connect";
import { ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { BookService, BorrowBookRequestSchema, ReturnBookRequestSchema } from "@lms/gen/library/book/v1/book_pb";
import { createLogger, IDEMPOTENCY_REPLAYED_HEADER, type Principal, principalKey } from "@lms/platform";
import { CallContext } from "@lms/platform/grpc/call-context";
import type pg from "pg";
import type { LoanRules } from "../src/domain/loan.js";
import { createPolicyCache } from "../src/domain/loan-policy.cache.js";
import { initialDefaultPolicy, listPolicies } from "../src/domain/loan-policy.service.js";
import { createPatronLookup } from "../src/domain/patron-cache.js";
import { createBookRpc } from "../src/rpc/book.rpc.js";
import { FakeAuthors, FakeCategories, FakePatrons } from "./fake-directories.js";

/** A handler context as the faces make it: `caller` verified, `key` (if any) in the metadata. */
export function keyedContext(method: DescMethod, caller: Principal, key?: string): CallContext {
  const header = new Headers(key === undefined ? {} : { "idempotency-key": key });
  const ctx = new CallContext(method, { protocolName: "grpc", url: `/${method.parent.typeName}/${method.name}`, header });
  ctx.values.set(principalKey, caller);
  return ctx;
}

/** How a call ended: its answer, or its refusal's code and reason; `replayed` when marked as given again. */
export type Ended =
  | { ok: true; message: unknown; replayed: boolean }
  | { ok: false; code: number; reason: string | undefined; message: string; replayed: boolean };

/** Runs `call` with `ctx` and says how it ended (any failure that is not a ConnectError is thrown). */
export async function ended(ctx: CallContext, call: () => unknown): Promise<Ended> {
  try {
    const message = await call();
    return { ok: true, message, replayed: ctx.responseHeader.get(IDEMPOTENCY_REPLAYED_HEADER) === "true" };
  } catch (err) {
    if (!(err instanceof ConnectError)) throw err;
    const reason = err.findDetails(ErrorInfoSchema)[0]?.reason;
    return {
      ok: false,
      code: err.code,
      reason,
      message: err.rawMessage,
      replayed: err.metadata.get(IDEMPOTENCY_REPLAYED_HEADER) === "true",
    };
  }
}

/** BorrowBook and ReturnBook through the book service's own handlers, as both faces call them. */
export function createKeyedCalls(pool: pg.Pool, rules: LoanRules) {
  // Read from the table at every lend (no change feed here).
  const policies = createPolicyCache({ load: () => listPolicies(pool), feed: { listening: false }, fallback: initialDefaultPolicy(rules) });
  const rpc = createBookRpc(pool, {
    authors: new FakeAuthors(),
    categories: new FakeCategories(),
    patrons: createPatronLookup(new FakePatrons(), 0),
    lending: { policies, overdueBlockDays: 0 },
    log: createLogger("book", "silent"),
    repairSoon: () => {},
    rules,
    policies,
    recommendationCandidates: 10,
  });
  return {
    borrow(caller: Principal, key: string | undefined, bookId: string, userId = "") {
      const ctx = keyedContext(BookService.method.borrowBook, caller, key);
      return ended(ctx, () => rpc.borrowBook(create(BorrowBookRequestSchema, { id: bookId, userId }), ctx));
    },
    return(caller: Principal, key: string | undefined, bookId: string, userId = "") {
      const ctx = keyedContext(BookService.method.returnBook, caller, key);
      return ended(ctx, () => rpc.returnBook(create(ReturnBookRequestSchema, { id: bookId, userId }), ctx));
    },
  };
}
