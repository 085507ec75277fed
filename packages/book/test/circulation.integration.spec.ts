import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listLoans } from "../src/domain/loan.service.js";
import { type BookDb, borrowBook, caller, openBookDb, returnBook } from "./circulation-db.js";

const rules = { maxActiveLoans: 2, loanDays: 14 };

/** The gRPC code and ErrorInfo reason a promise fails with. */
async function refusal(p: Promise<unknown>): Promise<{ code: Code; reason?: string }> {
  const err = ConnectError.from(
    await p.then(
      () => new Error("expected a refusal"),
      (e: unknown) => e,
    ),
  );
  return { code: err.code, reason: err.findDetails(ErrorInfoSchema)[0]?.reason };
}

describe("circulation", () => {
  let db: BookDb;
  beforeAll(async () => {
    db = await openBookDb(5);
  });
  afterAll(async () => db?.close());

  it("lends a copy for LOAN_DAYS days and returns it", async () => {
    const book = await db.insertBook(2);
    const member = caller();
    const out = await borrowBook(db.pool, rules, member, { bookId: book, userId: "" });
    expect(out.availableCopies).toBe(1);
    expect(out.loan).toMatchObject({ bookId: book, userId: member.userId, returnedAt: undefined, renewalCount: 0 });
    expect(out.loan.barcode).toMatch(/^C[0-9]{11}$/);
    const [lent] = (await db.pool.query("select id, barcode, status from copies where id = $1", [out.loan.copyId])).rows;
    expect(lent).toEqual({ id: out.loan.copyId, barcode: out.loan.barcode, status: "on_loan" });
    expect(out.loan.dueAt.getTime() - out.loan.borrowedAt.getTime()).toBe(14 * 24 * 3600 * 1000);
    expect(await db.copyCounts(book)).toMatchObject({ available: 1, onLoan: 1, loansOffCopy: 0, copiesOffLoan: 0 });
    const back = await returnBook(db.pool, member, { bookId: book, userId: "" });
    expect(back.availableCopies).toBe(2);
    expect(back.loan).toMatchObject({ id: out.loan.id, copyId: out.loan.copyId, barcode: out.loan.barcode });
    expect(back.loan.returnedAt).toBeInstanceOf(Date);
    expect(await db.counts(book)).toEqual({ available: 2, total: 2, open: 0 });
    expect(await db.copyCounts(book)).toMatchObject({ available: 2, onLoan: 0 });
  });

  it("refuses a second open loan of the same book (ALREADY_BORROWED)", async () => {
    const book = await db.insertBook(3);
    const member = caller();
    await borrowBook(db.pool, rules, member, { bookId: book, userId: "" });
    expect(await refusal(borrowBook(db.pool, rules, member, { bookId: book, userId: "" }))).toEqual({
      code: Code.FailedPrecondition,
      reason: "ALREADY_BORROWED",
    });
    expect(await db.counts(book)).toMatchObject({ available: 2, open: 1 });
  });

  it("refuses past MAX_ACTIVE_LOANS (LOAN_LIMIT_REACHED) and takes no copy", async () => {
    const member = caller();
    for (let i = 0; i < 2; i++) await borrowBook(db.pool, rules, member, { bookId: await db.insertBook(1), userId: "" });
    const third = await db.insertBook(1);
    expect(await refusal(borrowBook(db.pool, rules, member, { bookId: third, userId: "" }))).toEqual({
      code: Code.FailedPrecondition,
      reason: "LOAN_LIMIT_REACHED",
    });
    expect(await db.counts(third)).toEqual({ available: 1, total: 1, open: 0 });
    expect(await db.copyCounts(third)).toMatchObject({ available: 1, onLoan: 0 });
  });

  it("refuses when no copy is on the shelf (NO_COPIES_AVAILABLE)", async () => {
    const book = await db.insertBook(0);
    expect(await refusal(borrowBook(db.pool, rules, caller(), { bookId: book, userId: "" }))).toEqual({
      code: Code.FailedPrecondition,
      reason: "NO_COPIES_AVAILABLE",
    });
  });

  it("answers NOT_FOUND for an absent book and INVALID_ARGUMENT for a bad id", async () => {
    expect((await refusal(borrowBook(db.pool, rules, caller(), { bookId: randomUUID(), userId: "" }))).code).toBe(Code.NotFound);
    expect((await refusal(returnBook(db.pool, caller(), { bookId: randomUUID(), userId: "" }))).code).toBe(Code.NotFound);
    expect((await refusal(borrowBook(db.pool, rules, caller(), { bookId: "nope", userId: "" }))).code).toBe(Code.InvalidArgument);
  });

  it("refuses returning a book one has not borrowed (NOT_BORROWED)", async () => {
    const book = await db.insertBook(1);
    expect(await refusal(returnBook(db.pool, caller(), { bookId: book, userId: "" }))).toEqual({
      code: Code.FailedPrecondition,
      reason: "NOT_BORROWED",
    });
    expect(await db.counts(book)).toEqual({ available: 1, total: 1, open: 0 });
  });

  it("lets a librarian lend and take back for a user, but not a member", async () => {
    const book = await db.insertBook(1);
    const reader = randomUUID();
    expect((await refusal(borrowBook(db.pool, rules, caller(), { bookId: book, userId: reader }))).code).toBe(Code.PermissionDenied);
    const lent = await borrowBook(db.pool, rules, caller("ROLE_LIBRARIAN"), { bookId: book, userId: reader });
    expect(lent.loan.userId).toBe(reader);
    await returnBook(db.pool, caller("ROLE_ADMIN"), { bookId: book, userId: reader.toUpperCase() });
    expect(await db.counts(book)).toEqual({ available: 1, total: 1, open: 0 });
  });

  describe("ListLoans", () => {
    const member = caller();
    const books: string[] = [];
    beforeAll(async () => {
      for (let i = 0; i < 3; i++) books.push(await db.insertBook(1));
      for (const book of books) await borrowBook(db.pool, { ...rules, maxActiveLoans: 10 }, member, { bookId: book, userId: "" });
      await returnBook(db.pool, member, { bookId: books[0], userId: "" });
      await db.pool.query(
        "update loans set borrowed_at = now() - interval '30 days', due_at = now() - interval '16 days' where book_id = $1",
        [books[1]],
      );
    });
    const list = (status: string, who = member, userId = "", pageToken = "", pageSize = 0) =>
      listLoans(db.pool, who, { userId, bookId: "", status, pageSize, pageToken });

    it("shows a member their own loans, newest first, filtered by status", async () => {
      expect((await list("")).loans.map((l) => l.bookId)).toEqual([books[2], books[0], books[1]]);
      expect((await list("open")).loans.map((l) => l.bookId)).toEqual([books[2], books[1]]);
      expect((await list("returned")).loans.map((l) => l.bookId)).toEqual([books[0]]);
      expect((await list("OVERDUE")).loans.map((l) => l.bookId)).toEqual([books[1]]);
      expect((await list("")).totalSize).toBe(3);
      for (const loan of (await list("")).loans) {
        expect(loan).toMatchObject({ copyId: expect.any(String), barcode: expect.stringMatching(/^C[0-9]{11}$/), renewalCount: 0 });
      }
    });

    it("pages with a stable token", async () => {
      const first = await list("", member, "", "", 2);
      const second = await list("", member, "", first.nextPageToken, 2);
      expect([...first.loans, ...second.loans].map((l) => l.bookId)).toEqual([books[2], books[0], books[1]]);
      expect(second.nextPageToken).toBe("");
    });

    it("refuses a member another user's loans, lets a librarian see them, and rejects a bad status", async () => {
      expect((await refusal(list("", caller(), member.userId))).code).toBe(Code.PermissionDenied);
      expect((await list("", caller("ROLE_LIBRARIAN"), member.userId)).totalSize).toBe(3);
      expect((await list("", caller("ROLE_LIBRARIAN"))).totalSize).toBeGreaterThanOrEqual(3);
      expect((await refusal(list("lost"))).code).toBe(Code.InvalidArgument);
    });
  });
});
