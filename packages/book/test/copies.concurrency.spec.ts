import { randomUUID } from "node:crypto";
import { ConnectError } from "@connectrpc/connect";
import { inTransaction } from "@lms/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as copyService from "../src/domain/copy.service.js";
import { lockBook } from "../src/store/book.repository.js";
import { type BookDb, borrowBook, caller, openBookDb, returnBook } from "./circulation-db.js";

const rules = { maxActiveLoans: 5, loanDays: 14 };
const settled = async (calls: Promise<unknown>[]) => {
  const results = await Promise.allSettled(calls);
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  return { ok: results.length - failed.length, failed };
};
/** The reason (or message) of each refusal: a deadlock or any unexpected error shows up here. */
const reasonsOf = (failed: PromiseRejectedResult[]) => new Set(failed.map((f) => ConnectError.from(f.reason).rawMessage));

// Borrows on copies with real row locks: 20 connections, many transactions in flight at once.
describe("copies under concurrency (real PostgreSQL)", () => {
  let db: BookDb;
  beforeAll(async () => {
    db = await openBookDb(20);
  });
  afterAll(async () => db?.close());

  const openLoansOn = async (bookId: string) =>
    (await db.pool.query<{ copy_id: string }>("select copy_id from loans where book_id = $1 and returned_at is null", [bookId])).rows.map(
      (r) => r.copy_id,
    );

  it("one copy: exactly one of N racing borrows", async () => {
    const book = await db.insertBook(1);
    const { ok, failed } = await settled(
      Array.from({ length: 25 }, () => borrowBook(db.pool, rules, caller(), { bookId: book, userId: "" })),
    );
    expect(ok).toBe(1);
    expect(reasonsOf(failed)).toEqual(new Set(["no copy of this book is available"]));
    expect(await db.copyCounts(book)).toMatchObject({ available: 0, onLoan: 1, loansOffCopy: 0, copiesOffLoan: 0 });
  });

  it("K copies: exactly min(N, K) of N racing borrows, each on its own copy", async () => {
    for (const [n, k] of [
      [30, 6],
      [4, 8],
    ]) {
      const book = await db.insertBook(k);
      const { ok } = await settled(Array.from({ length: n }, () => borrowBook(db.pool, rules, caller(), { bookId: book, userId: "" })));
      expect(ok).toBe(Math.min(n, k));
      const lent = await openLoansOn(book);
      expect(new Set(lent).size).toBe(Math.min(n, k));
      expect(await db.copyCounts(book)).toMatchObject({ available: k - Math.min(n, k), onLoan: Math.min(n, k), copiesOffLoan: 0 });
      expect(await db.counts(book)).toEqual({ available: k - Math.min(n, k), total: k, open: Math.min(n, k) });
    }
  });

  it("the partial unique index lets one of N racing open loans of one copy through", async () => {
    const book = await db.insertBook(1);
    const [{ id: copyId }] = (await db.pool.query("select id from copies where book_id = $1", [book])).rows;
    const insert = () =>
      db.pool.query("insert into loans (book_id, user_id, copy_id, due_at) values ($1, $2, $3, now() + interval '1 day')", [
        book,
        randomUUID(),
        copyId,
      ]);
    const { ok, failed } = await settled(Array.from({ length: 10 }, insert));
    expect(ok).toBe(1);
    for (const f of failed) expect(f.reason).toMatchObject({ code: "23505", constraint: "loans_one_open_per_copy" });
  });

  it("a borrow that waited for the book row while its copy was lent and another added lends the new one", async () => {
    const book = await db.insertBook(1);
    const [{ id: first }] = (await db.pool.query("select id from copies where book_id = $1", [book])).rows;
    const desk = await db.pool.connect();
    try {
      // Holds the book row while it lends the one copy and adds another (the counter stays at 1),
      // until the borrow's statement, whose snapshot still shows the first copy on the shelf, waits.
      await desk.query("begin");
      await desk.query("update books set total_copies = total_copies + 1 where id = $1", [book]);
      await desk.query("update copies set status = 'on_loan' where id = $1", [first]);
      await desk.query("insert into loans (book_id, user_id, copy_id, due_at) values ($1, $2, $3, now() + interval '1 day')", [
        book,
        randomUUID(),
        first,
      ]);
      await desk.query("insert into copies (book_id) values ($1)", [book]);
      let done = false;
      const borrowing = borrowBook(db.pool, rules, caller(), { bookId: book, userId: "" }).finally(() => {
        done = true;
      });
      const waiting = async () =>
        (await db.pool.query("select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'")).rowCount ??
        0;
      while (!done && (await waiting()) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      await desk.query("commit");
      const { loan, availableCopies } = await borrowing;
      expect(availableCopies).toBe(0);
      expect(loan.copyId).not.toBe(first);
      expect(await db.copyCounts(book)).toMatchObject({ available: 0, onLoan: 2, loansOffCopy: 0, copiesOffLoan: 0 });
      expect(await db.counts(book)).toEqual({ available: 0, total: 2, open: 2 });
    } finally {
      await desk.query("rollback").catch(() => {});
      desk.release();
    }
  });

  it("borrows, returns, copy status changes and resizes racing on one book never deadlock nor tear the counters", async () => {
    const book = await db.insertBook(6);
    const users = Array.from({ length: 10 }, () => caller());
    const { rows } = await db.pool.query<{ id: string }>("select id from copies where book_id = $1", [book]);
    const resize = (total: number) =>
      inTransaction(db.pool, async (tx) => {
        const current = await lockBook(tx, book);
        if (current) await copyService.setTotalCopies(tx, current, total);
      });
    const setStatus = (id: string, status: "lost" | "available") =>
      inTransaction(db.pool, (tx) => copyService.updateCopy(tx, { id, status }));
    for (let round = 0; round < 4; round++) {
      const ops: Promise<unknown>[] = [];
      for (const user of users) {
        ops.push(
          borrowBook(db.pool, rules, user, { bookId: book, userId: "" }).then(() =>
            returnBook(db.pool, user, { bookId: book, userId: "" }),
          ),
        );
      }
      for (const [i, copy] of rows.entries()) ops.push(setStatus(copy.id, (i + round) % 2 === 0 ? "lost" : "available"));
      const addOne = inTransaction(db.pool, (tx) => copyService.addCopies(tx, { bookId: book, what: { count: 1 } }));
      ops.push(resize(4 + round), resize(8 - round), addOne);
      const { failed } = await settled(ops);
      const allowed = new Set(["no copy of this book is available", "this user has no open loan of this book"]);
      for (const reason of reasonsOf(failed)) {
        if (!allowed.has(reason) && !/is on loan|below the .* copies on loan/.test(reason))
          throw new Error(`unexpected failure: ${reason}`);
      }
      const [counters, items] = [await db.counts(book), await db.copyCounts(book)];
      expect(items).toMatchObject({ available: counters.available, onLoan: counters.open, loansOffCopy: 0, copiesOffLoan: 0 });
      expect(counters.total).toBe(items.available + items.onLoan);
    }
  });
});
