import { randomUUID } from "node:crypto";
import { create, type Message } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { BookService, BorrowBookRequestSchema, BorrowBookResponseSchema } from "@lms/gen/library/book/v1/book_pb";
import { createIdempotencyPurge, createLogger, inIdempotentTransaction, type Principal, type Transaction } from "@lms/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as loans from "../src/domain/loan.service.js";
import { loanToProto } from "../src/rpc/book.rpc.js";
import { type BookDb, caller, lendingUnder, openBookDb, patronOf } from "./circulation-db.js";
import { createKeyedCalls, ended, keyedContext } from "./idempotent-calls.js";

const rules = { maxActiveLoans: 5, loanDays: 14 };

// The Idempotency-Key mechanism on the book service's own handlers and a real PostgreSQL.
describe("Idempotency-Key on BorrowBook and ReturnBook (real PostgreSQL)", () => {
  let db: BookDb;
  let calls: ReturnType<typeof createKeyedCalls>;
  beforeAll(async () => {
    db = await openBookDb(10);
    calls = createKeyedCalls(db.pool, rules);
  });
  afterAll(async () => db?.close());

  const rowsOf = async (key: string) =>
    (
      await db.pool.query(
        "select caller, method, response is not null as answered, refusal->>'code' as refused from idempotency_keys where key = $1",
        [key],
      )
    ).rows;
  /** Runs `work` as BorrowBook's handler would, under `key`. */
  const keyedWork = (member: Principal, key: string, bookId: string, work: (tx: Transaction) => Promise<Message>) => {
    const ctx = keyedContext(BookService.method.borrowBook, member, key);
    return ended(ctx, () => inIdempotentTransaction(db.pool, ctx, create(BorrowBookRequestSchema, { id: bookId }), work));
  };
  const borrowWork = (member: Principal, bookId: string) => async (tx: Transaction) => {
    const { loan, availableCopies } = await loans.borrowBook(tx, lendingUnder(rules), patronOf(member), bookId);
    return create(BorrowBookResponseSchema, { loan: loanToProto(loan), availableCopies });
  };

  it("answers a retried borrow with the first answer, marked replayed, and makes one loan recorded beside it", async () => {
    const [member, book, key] = [caller(), await db.insertBook(3), randomUUID()];
    const first = await calls.borrow(member, key, book);
    const again = await calls.borrow(member, key, book);
    expect(first).toMatchObject({ ok: true, replayed: false });
    expect(again).toEqual({ ...first, replayed: true });
    expect(await db.counts(book)).toEqual({ available: 2, total: 3, open: 1 });
    expect(await rowsOf(key)).toEqual([
      { caller: `user:${member.userId}`, method: "library.book.v1.BookService/BorrowBook", answered: true, refused: null },
    ]);
  });

  it("leaves calls without a key as they were: a second borrow is refused ALREADY_BORROWED, nothing recorded", async () => {
    const [member, book] = [caller(), await db.insertBook(3)];
    expect(await calls.borrow(member, undefined, book)).toMatchObject({ ok: true, replayed: false });
    expect(await calls.borrow(member, undefined, book)).toMatchObject({ ok: false, reason: "ALREADY_BORROWED", replayed: false });
    expect(
      (await db.pool.query("select count(*)::int as n from idempotency_keys where caller = $1", [`user:${member.userId}`])).rows[0].n,
    ).toBe(0);
  });

  it("scopes a key to its caller: two members' equal keys are two requests", async () => {
    const [book, key] = [await db.insertBook(3), randomUUID()];
    expect(await calls.borrow(caller(), key, book)).toMatchObject({ ok: true, replayed: false });
    expect(await calls.borrow(caller(), key, book)).toMatchObject({ ok: true, replayed: false });
    expect(await db.counts(book)).toMatchObject({ open: 2 });
  });

  it("refuses the key with another request or another method (IDEMPOTENCY_KEY_REUSED) and changes nothing", async () => {
    const [member, book, other, key] = [caller(), await db.insertBook(2), await db.insertBook(2), randomUUID()];
    await calls.borrow(member, key, book);
    const reused = { ok: false, code: Code.InvalidArgument, reason: "IDEMPOTENCY_KEY_REUSED", replayed: false };
    expect(await calls.borrow(member, key, other)).toMatchObject(reused);
    expect(await calls.return(member, key, book)).toMatchObject(reused);
    expect(await db.counts(other)).toEqual({ available: 2, total: 2, open: 0 });
    expect(await db.counts(book)).toEqual({ available: 1, total: 2, open: 1 });
  });

  it("records a refusal and gives it again, even after the state changed", async () => {
    const [member, book, key] = [caller(), await db.insertBook(1), randomUUID()];
    const refused = await calls.return(member, key, book);
    expect(refused).toMatchObject({ ok: false, code: Code.FailedPrecondition, reason: "NOT_BORROWED", replayed: false });
    await calls.borrow(member, undefined, book);
    expect(await calls.return(member, key, book)).toEqual({ ...refused, replayed: true });
    expect(await db.counts(book)).toEqual({ available: 0, total: 1, open: 1 });
    expect(await rowsOf(key)).toMatchObject([{ answered: false, refused: String(Code.FailedPrecondition) }]);
  });

  it("records nothing when the work fails unexpectedly, so the retry runs (once)", async () => {
    const [member, book, key] = [caller(), await db.insertBook(2), randomUUID()];
    const failing = async (tx: Transaction) => {
      await borrowWork(member, book)(tx);
      throw new Error("a bug after the effect");
    };
    await expect(keyedWork(member, key, book, failing)).rejects.toThrow("a bug after the effect");
    expect([await db.counts(book), await rowsOf(key)]).toEqual([{ available: 2, total: 2, open: 0 }, []]);
    expect(await calls.borrow(member, key, book)).toMatchObject({ ok: true, replayed: false });
    expect(await calls.borrow(member, key, book)).toMatchObject({ ok: true, replayed: true });
    expect(await db.counts(book)).toMatchObject({ open: 1 });
  });

  it("commits the answer with the effect: a failure just before COMMIT leaves neither", async () => {
    const [member, book, key] = [caller(), await db.insertBook(2), randomUUID()];
    const failingAtCommit = async (tx: Transaction) => {
      tx.beforeCommit(async () => {
        throw new Error("the commit's last step failed");
      });
      return borrowWork(member, book)(tx);
    };
    await expect(keyedWork(member, key, book, failingAtCommit)).rejects.toThrow("the commit's last step failed");
    expect([await db.counts(book), await rowsOf(key)]).toEqual([{ available: 2, total: 2, open: 0 }, []]);
  });

  it("runs the hooks of a successful work after commit and never those of a refused one", async () => {
    const [member, book] = [caller(), await db.insertBook(1)];
    const ran: string[] = [];
    const withHook = (name: string) => async (tx: Transaction) => {
      tx.afterCommit(() => ran.push(name));
      return borrowWork(member, book)(tx);
    };
    expect(await keyedWork(member, randomUUID(), book, withHook("lent"))).toMatchObject({ ok: true });
    expect(await keyedWork(member, randomUUID(), book, withHook("refused"))).toMatchObject({ ok: false, reason: "ALREADY_BORROWED" });
    expect(ran).toEqual(["lent"]);
  });

  it("ignores an expired answer (the key runs afresh) and the purge deletes only expired rows", async () => {
    const [member, book, key, kept] = [caller(), await db.insertBook(3), randomUUID(), randomUUID()];
    const first = await calls.borrow(member, key, book);
    await calls.return(member, kept, book);
    await db.pool.query("update idempotency_keys set expires_at = now() - interval '1 second' where key = $1", [key]);
    const afresh = await calls.borrow(member, key, book);
    const loanIdOf = (e: typeof first) => (e.ok ? (e.message as { loan: { id: string } }).loan.id : undefined);
    expect(afresh).toMatchObject({ ok: true, replayed: false });
    expect(loanIdOf(afresh)).not.toBe(loanIdOf(first));
    expect(await db.counts(book)).toMatchObject({ open: 1 });
    expect(await rowsOf(key)).toMatchObject([{ answered: true }]);

    await db.pool.query("update idempotency_keys set expires_at = now() - interval '1 second' where key = $1", [key]);
    const purged = await createIdempotencyPurge(db.pool, createLogger("book", "silent"), { intervalMs: 3_600_000, batch: 1 }).runOnce();
    expect(purged).toBeGreaterThanOrEqual(1);
    expect(await rowsOf(key)).toEqual([]);
    expect(await rowsOf(kept)).toHaveLength(1);
  });
});
