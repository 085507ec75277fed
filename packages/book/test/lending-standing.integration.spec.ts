import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { inTransaction } from "@lms/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as loans from "../src/domain/loan.service.js";
import { type BookDb, caller, lendingUnder, openBookDb, patronOf } from "./circulation-db.js";

const rules = { maxActiveLoans: 5, loanDays: 14 };

/** The ErrorInfo of a refusal (its reason and metadata). */
async function refusalOf(p: Promise<unknown>) {
  const err = ConnectError.from(
    await p.then(
      () => new Error("expected a refusal"),
      (e: unknown) => e,
    ),
  );
  return { code: err.code, info: err.findDetails(ErrorInfoSchema)[0] };
}

// The borrower's standing on the real PostgreSQL: overdue loans block past OVERDUE_BLOCK_DAYS,
// and a blocked borrower is refused before anything else is looked at.
describe("lending and the borrower's standing", () => {
  let db: BookDb;
  beforeAll(async () => {
    db = await openBookDb(5);
  });
  afterAll(async () => db?.close());

  const lend = (overdueBlockDays: number, who: ReturnType<typeof caller>, bookId: string) =>
    inTransaction(db.pool, (tx) => loans.borrowBook(tx, lendingUnder(rules, overdueBlockDays), patronOf(who), bookId));
  /** Lends `bookId` to `who` and moves the loan's due date `days` days into the past. */
  const overdueBy = async (who: ReturnType<typeof caller>, bookId: string, days: number) => {
    const { loan } = await lend(0, who, bookId);
    await db.pool.query(
      "update loans set borrowed_at = now() - make_interval(days => $2::int + 14), due_at = now() - make_interval(days => $2::int) where id = $1",
      [loan.id, days],
    );
  };

  it("lets a borrower whose loan is overdue within the grace borrow, and blocks one past it", async () => {
    const member = caller();
    await overdueBy(member, await db.insertBook(1), 2);
    expect((await lend(3, member, await db.insertBook(1))).loan.userId).toBe(member.userId);
    const book = await db.insertBook(1);
    const { code, info } = await refusalOf(lend(1, member, book));
    expect(code).toBe(Code.FailedPrecondition);
    expect(info?.reason).toBe("PATRON_BLOCKED");
    expect(info?.metadata).toMatchObject({ userId: member.userId, overdueLoans: "1" });
    expect(await db.counts(book)).toEqual({ available: 1, total: 1, open: 0 });
  });

  it("names PATRON_BLOCKED before ALREADY_BORROWED and NO_COPIES_AVAILABLE", async () => {
    const member = caller();
    const book = await db.insertBook(1);
    await overdueBy(member, book, 5);
    const { info } = await refusalOf(lend(0, member, book));
    expect(info?.reason).toBe("PATRON_BLOCKED");
    await db.pool.query("update loans set due_at = now() + interval '1 day' where user_id = $1", [member.userId]);
    expect((await refusalOf(lend(0, member, book))).info?.reason).toBe("ALREADY_BORROWED");
  });

  it("lends under a policy of loanDays 0 a loan due at once, overdue a moment later (in-library use)", async () => {
    const member = caller();
    const atOnce = lendingUnder({ maxActiveLoans: 5, loanDays: 0 });
    const book = await db.insertBook(1);
    const lent = await inTransaction(db.pool, (tx) => loans.borrowBook(tx, atOnce, patronOf(member), book));
    expect(lent.loan.dueAt.getTime()).toBe(lent.loan.borrowedAt.getTime());
    const { info } = await refusalOf(lend(0, member, await db.insertBook(1)));
    expect(info?.reason).toBe("PATRON_BLOCKED");
  });
});
