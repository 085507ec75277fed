import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BookDb, borrowBook, caller, lendingUnder, openBookDb } from "./circulation-db.js";
import { barcodesOf, createDeskCalls, loanOf } from "./desk-calls.js";
import type { Ended } from "./idempotent-calls.js";

const rules = { maxActiveLoans: 5, loanDays: 14 };
const tally = (ends: Ended[]) => ({
  ok: ends.filter((e) => e.ok).length,
  reasons: new Set(ends.flatMap((e) => (e.ok ? [] : [e.reason]))),
});

// Racing desk calls on a real PostgreSQL: 20 connections, many transactions in flight at once.
describe("the circulation desk under concurrency (real PostgreSQL)", () => {
  let db: BookDb;
  let desk: ReturnType<typeof createDeskCalls>;
  beforeAll(async () => {
    db = await openBookDb(20);
    desk = createDeskCalls(db.pool, lendingUnder(rules));
  });
  afterAll(async () => db?.close());

  it("one copy: exactly one of N racing check-outs (patrons by id and by card) succeeds, the others COPY_NOT_AVAILABLE", async () => {
    const book = await db.insertBook(3);
    const [barcode] = await barcodesOf(db.pool, book);
    const patrons = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? randomUUID() : desk.patrons.issueCard(randomUUID())));
    const ends = await Promise.all(patrons.map((patron) => desk.checkOut(barcode, patron)));
    expect(tally(ends)).toEqual({ ok: 1, reasons: new Set(["COPY_NOT_AVAILABLE"]) });
    expect(await db.counts(book)).toEqual({ available: 2, total: 3, open: 1 });
    expect(await db.copyCounts(book)).toMatchObject({ available: 2, onLoan: 1, loansOffCopy: 0, copiesOffLoan: 0 });
  });

  it("K copies: racing check-outs of each copy and borrows of the book lend each copy at most once", async () => {
    const k = 4;
    const book = await db.insertBook(k);
    const barcodes = await barcodesOf(db.pool, book);
    const checkOuts = barcodes.flatMap((barcode) => Array.from({ length: 4 }, () => desk.checkOut(barcode, randomUUID())));
    const borrows = Array.from({ length: 8 }, () => borrowBook(db.pool, rules, caller(), { bookId: book, userId: "" }));
    const [ends, borrowed] = await Promise.all([Promise.all(checkOuts), Promise.allSettled(borrows)]);
    const lent = tally(ends).ok + borrowed.filter((b) => b.status === "fulfilled").length;
    expect(lent).toBe(k);
    expect(new Set(ends.flatMap((e) => loanOf(e)?.copyId ?? [])).size).toBe(tally(ends).ok);
    expect(await db.counts(book)).toEqual({ available: 0, total: k, open: k });
    expect(await db.copyCounts(book)).toMatchObject({ available: 0, onLoan: k, loansOffCopy: 0, copiesOffLoan: 0 });
  });

  it("racing check-ins of one copy close its loan and shelve it exactly once", async () => {
    const book = await db.insertBook(2);
    const [barcode] = await barcodesOf(db.pool, book);
    const opened = loanOf(await desk.checkOut(barcode, randomUUID()));
    const ends = await Promise.all(Array.from({ length: 15 }, () => desk.checkIn(barcode)));
    expect(tally(ends)).toEqual({ ok: 1, reasons: new Set(["COPY_NOT_ON_LOAN"]) });
    expect(ends.flatMap((e) => loanOf(e)?.id ?? [])).toEqual([opened?.id]);
    expect(await db.counts(book)).toEqual({ available: 2, total: 2, open: 0 });
    expect(await db.copyCounts(book)).toMatchObject({ available: 2, onLoan: 0, loansOffCopy: 0, copiesOffLoan: 0 });
  });

  it("one Idempotency-Key: racing duplicates of a check-out lend once; the rest replay it or find the key in use", async () => {
    const book = await db.insertBook(1);
    const [[barcode], patron, key] = [await barcodesOf(db.pool, book), randomUUID(), randomUUID()];
    const ends = await Promise.all(Array.from({ length: 10 }, () => desk.checkOut(barcode, patron, key)));
    const lent = ends.filter((e) => e.ok);
    expect(new Set(lent.map((e) => loanOf(e)?.id)).size).toBe(1);
    expect(lent.filter((e) => !e.replayed)).toHaveLength(1);
    expect(new Set(ends.flatMap((e) => (e.ok ? [] : [e.reason])))).toEqual(
      new Set(ends.some((e) => !e.ok) ? ["IDEMPOTENCY_KEY_IN_USE"] : []),
    );
    expect(await db.counts(book)).toEqual({ available: 0, total: 1, open: 1 });
  });

  it("a storm of check-outs and check-ins keeps every copy on at most one open loan and the counters true", async () => {
    const book = await db.insertBook(3);
    const barcodes = await barcodesOf(db.pool, book);
    const ops: Promise<unknown>[] = [];
    for (let round = 0; round < 6; round++) {
      for (const barcode of barcodes) {
        ops.push(desk.checkOut(barcode, randomUUID()).then(() => desk.checkIn(barcode)));
        ops.push(desk.checkOut(barcode, randomUUID()));
      }
    }
    await Promise.all(ops);
    const c = await db.counts(book);
    expect(c.available).toBe(c.total - c.open);
    expect(await db.copyCounts(book)).toMatchObject({ available: c.available, onLoan: c.open, loansOffCopy: 0, copiesOffLoan: 0 });
  });
});
