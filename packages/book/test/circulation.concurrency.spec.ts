import { randomUUID } from "node:crypto";
import { ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeOpenLoan } from "../src/store/loan.repository.js";
import { type BookDb, borrowBook, caller, openBookDb, returnBook } from "./circulation-db.js";

const rules = { maxActiveLoans: 5, loanDays: 14 };
const settled = async (calls: Promise<unknown>[]) => {
  const results = await Promise.allSettled(calls);
  return { ok: results.filter((r) => r.status === "fulfilled").length, failed: results.filter((r) => r.status === "rejected") };
};
const reasons = (failed: PromiseRejectedResult[]) => new Set(failed.map((f) => ConnectError.from(f.reason).rawMessage));

// Real row locks on a real server: 20 connections, many transactions in flight at once.
describe("circulation under concurrency (real PostgreSQL)", () => {
  let db: BookDb;
  beforeAll(async () => {
    db = await openBookDb(20);
  });
  afterAll(async () => db?.close());

  it("N racing borrows of K copies succeed exactly min(N, K) times", async () => {
    for (const [n, k] of [
      [40, 7],
      [5, 9],
    ]) {
      const book = await db.insertBook(k);
      const { ok, failed } = await settled(
        Array.from({ length: n }, () => borrowBook(db.pool, rules, caller(), { bookId: book, userId: "" })),
      );
      expect(ok).toBe(Math.min(n, k));
      expect(await db.counts(book)).toEqual({ available: k - Math.min(n, k), total: k, open: Math.min(n, k) });
      expect(await db.copyCounts(book)).toMatchObject({
        available: k - Math.min(n, k),
        onLoan: Math.min(n, k),
        loansOffCopy: 0,
        copiesOffLoan: 0,
      });
      if (failed.length > 0) expect(reasons(failed)).toEqual(new Set(["no copy of this book is available"]));
    }
  });

  it("one user's racing borrows never exceed MAX_ACTIVE_LOANS", async () => {
    const member = caller();
    const books = await Promise.all(Array.from({ length: 20 }, () => db.insertBook(3)));
    const { ok } = await settled(books.map((bookId) => borrowBook(db.pool, rules, member, { bookId, userId: "" })));
    expect(ok).toBe(rules.maxActiveLoans);
    const { rows } = await db.pool.query("select count(*)::int as n from loans where user_id = $1 and returned_at is null", [
      member.userId,
    ]);
    expect(rows[0].n).toBe(rules.maxActiveLoans);
  });

  it("one user's racing borrows of one book open exactly one loan", async () => {
    const member = caller();
    const book = await db.insertBook(10);
    const { ok, failed } = await settled(
      Array.from({ length: 12 }, () => borrowBook(db.pool, rules, member, { bookId: book, userId: "" })),
    );
    expect(ok).toBe(1);
    expect(reasons(failed)).toEqual(new Set(["this user already has this book on loan"]));
    expect(await db.counts(book)).toEqual({ available: 9, total: 10, open: 1 });
  });

  it("racing returns of one loan give the copy back exactly once", async () => {
    const member = caller();
    const book = await db.insertBook(2);
    await borrowBook(db.pool, rules, member, { bookId: book, userId: "" });
    const { ok } = await settled(Array.from({ length: 15 }, () => returnBook(db.pool, member, { bookId: book, userId: "" })));
    expect(ok).toBe(1);
    expect(await db.counts(book)).toEqual({ available: 2, total: 2, open: 0 });
    expect(await db.copyCounts(book)).toMatchObject({ available: 2, onLoan: 0 });
  });

  it("a return whose transaction began before the borrow committed is dated at or after the borrow", async () => {
    const member = caller();
    const book = await db.insertBook(1);
    const returner = await db.pool.connect();
    try {
      // now() is fixed when this transaction begins, before the loan exists.
      await returner.query("begin; select now()");
      await new Promise((resolve) => setTimeout(resolve, 20));
      const { loan: opened } = await borrowBook(db.pool, rules, member, { bookId: book, userId: "" });
      const closed = await closeOpenLoan(returner, book, member.userId);
      await returner.query("commit");
      expect(closed?.id).toBe(opened.id);
      expect(closed?.returnedAt?.getTime()).toBeGreaterThanOrEqual(opened.borrowedAt.getTime());
    } finally {
      await returner.query("rollback").catch(() => {});
      returner.release();
    }
  });

  it("a storm of borrows and returns keeps available = total − open loans within 0..total", async () => {
    const books = await Promise.all([db.insertBook(3), db.insertBook(1), db.insertBook(5)]);
    const users = Array.from({ length: 12 }, () => caller("ROLE_MEMBER", randomUUID()));
    const ops: Promise<unknown>[] = [];
    for (let round = 0; round < 4; round++) {
      for (const user of users) {
        const bookId = books[(round + users.indexOf(user)) % books.length];
        ops.push(borrowBook(db.pool, rules, user, { bookId, userId: "" }).then(() => returnBook(db.pool, user, { bookId, userId: "" })));
        ops.push(borrowBook(db.pool, rules, user, { bookId: books[round % books.length], userId: "" }));
      }
    }
    await Promise.allSettled(ops);
    for (const book of books) {
      const c = await db.counts(book);
      expect(c.available).toBe(c.total - c.open);
      expect(c.available).toBeGreaterThanOrEqual(0);
      expect(c.available).toBeLessThanOrEqual(c.total);
      const items = await db.copyCounts(book);
      expect(items).toMatchObject({ available: c.available, onLoan: c.open, loansOffCopy: 0, copiesOffLoan: 0 });
    }
  });
});
