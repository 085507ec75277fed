import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { BookService, BorrowBookRequestSchema, BorrowBookResponseSchema } from "@lms/gen/library/book/v1/book_pb";
import { inIdempotentTransaction } from "@lms/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as loans from "../src/domain/loan.service.js";
import { loanToProto } from "../src/rpc/book.rpc.js";
import { type BookDb, caller, lendingUnder, openBookDb, patronOf } from "./circulation-db.js";
import { createKeyedCalls, type Ended, ended, keyedContext } from "./idempotent-calls.js";

const rules = { maxActiveLoans: 5, loanDays: 14 };
const IN_USE = { ok: false, code: Code.Aborted, reason: "IDEMPOTENCY_KEY_IN_USE", replayed: false };
const loanIdOf = (e: Ended) => (e.ok ? (e.message as { loan: { id: string } }).loan.id : undefined);

// One key, many transactions in flight at once, on a real server: one effect whatever the concurrency.
describe("Idempotency-Key under concurrency (real PostgreSQL)", () => {
  let db: BookDb;
  let calls: ReturnType<typeof createKeyedCalls>;
  beforeAll(async () => {
    db = await openBookDb(20);
    calls = createKeyedCalls(db.pool, rules);
  });
  afterAll(async () => db?.close());

  it("N racing borrows with one key make one loan; every other call replays it or is told the key is in use", async () => {
    const [member, book, key] = [caller(), await db.insertBook(10), randomUUID()];
    const results = await Promise.all(Array.from({ length: 16 }, () => calls.borrow(member, key, book)));
    const answered = results.filter((r) => r.ok);
    expect(answered.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(answered.map(loanIdOf)).size).toBe(1);
    for (const refused of results.filter((r) => !r.ok)) expect(refused).toMatchObject(IN_USE);
    expect(await db.counts(book)).toEqual({ available: 9, total: 10, open: 1 });
    const retried = await calls.borrow(member, key, book);
    expect([retried.replayed, loanIdOf(retried)]).toEqual([true, loanIdOf(answered[0])]);
  });

  it("answers IDEMPOTENCY_KEY_IN_USE at once while the first request runs, then replays its answer", async () => {
    const [member, book, key] = [caller(), await db.insertBook(2), randomUUID()];
    let entered!: () => void;
    let finish!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const ctx = keyedContext(BookService.method.borrowBook, member, key);
    const first = ended(ctx, () =>
      inIdempotentTransaction(db.pool, ctx, create(BorrowBookRequestSchema, { id: book }), async (tx) => {
        entered();
        await gate; // the first request is still running, holding its key
        const { loan, availableCopies } = await loans.borrowBook(tx, lendingUnder(rules), patronOf(member), book);
        return create(BorrowBookResponseSchema, { loan: loanToProto(loan), availableCopies });
      }),
    );
    let during: Ended[] = [];
    try {
      await inside;
      during = await Promise.all(Array.from({ length: 5 }, () => calls.borrow(member, key, book)));
    } finally {
      finish(); // whatever happened, the first request ends and gives its connection back
    }
    for (const r of during) expect(r).toMatchObject(IN_USE);
    const answer = await first;
    expect(answer).toMatchObject({ ok: true, replayed: false });
    expect(await calls.borrow(member, key, book)).toEqual({ ...answer, replayed: true });
    expect(await db.counts(book)).toEqual({ available: 1, total: 2, open: 1 });
  });

  it("racing returns with one key give the copy back once and answer alike", async () => {
    const [member, book, key] = [caller(), await db.insertBook(1), randomUUID()];
    await calls.borrow(member, undefined, book);
    const results = await Promise.all(Array.from({ length: 12 }, () => calls.return(member, key, book)));
    const answered = results.filter((r) => r.ok);
    expect(answered.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(answered.map(loanIdOf)).size).toBe(1);
    for (const refused of results.filter((r) => !r.ok)) expect(refused).toMatchObject(IN_USE);
    expect(await db.counts(book)).toEqual({ available: 1, total: 1, open: 0 });
  });
});
