import { randomUUID } from "node:crypto";
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BookDb, caller, openBookDb } from "./circulation-db.js";
import { createRenewalCalls, DAY_MS } from "./renewal-calls.js";

// CheckBorrow through its handler on the real PostgreSQL (DESIGN.md §8): every blocker at once,
// in BorrowBook's order, the due date a borrow would get, who may ask about whom.
describe("CheckBorrow (real PostgreSQL)", () => {
  let db: BookDb;
  let calls: ReturnType<typeof createRenewalCalls>;
  beforeAll(async () => {
    db = await openBookDb(5);
    calls = createRenewalCalls(db.pool);
  });
  afterAll(async () => db?.close());

  const overdue = (loanId: string) =>
    db.pool.query("update loans set borrowed_at = now() - interval '16 days', due_at = now() - interval '2 days' where id = $1", [loanId]);

  it("answers eligible with no blockers and the due date of the patron's policy, changing nothing", async () => {
    const member = caller();
    const book = await db.insertBook(2);
    const answer = await calls.check(member, book);
    expect([answer.eligible, answer.reasons]).toEqual([true, []]);
    expect(Math.round(((answer.dueAt?.getTime() ?? 0) - Date.now()) / DAY_MS)).toBe(14);
    expect(await db.counts(book)).toEqual({ available: 2, total: 2, open: 0 });
  });

  it("lists every blocker at once, in the order a borrow checks them", async () => {
    const member = caller();
    const book = await db.insertBook(1);
    const loan = await calls.borrow(member, book);
    await overdue(loan.id);
    const answer = await calls.check(member, book);
    expect(answer.eligible).toBe(false);
    expect(answer.reasons).toEqual(["PATRON_BLOCKED", "ALREADY_BORROWED", "NO_COPIES_AVAILABLE"]);
    expect(answer.blockers[0].message).toBe("the borrower has 1 overdue loan");

    const reader = caller();
    calls.patrons.groups.set(reader.userId, "none"); // not loanable, maxLoans 0
    expect((await calls.check(reader, book)).reasons).toEqual(["ITEM_NOT_LOANABLE", "LOAN_LIMIT_REACHED", "NO_COPIES_AVAILABLE"]);
  });

  it("lets a librarian ask for any user; a member only for themselves", async () => {
    const [member, librarian] = [caller(), caller("ROLE_LIBRARIAN")];
    const book = await db.insertBook(1);
    await calls.borrow(member, book);
    expect((await calls.check(librarian, book, member.userId)).reasons).toEqual(["ALREADY_BORROWED", "NO_COPIES_AVAILABLE"]);
    expect(await calls.checkEnded(caller(), book, member.userId)).toMatchObject({ ok: false, code: Code.PermissionDenied });
    expect((await calls.check(member, book, member.userId)).eligible).toBe(false);
  });

  it("answers NOT_FOUND for an unknown book and USER_NOT_FOUND for a user the auth service does not know", async () => {
    const librarian = caller("ROLE_LIBRARIAN");
    expect(await calls.checkEnded(librarian, randomUUID())).toMatchObject({ ok: false, code: Code.NotFound });
    const ghost = randomUUID();
    calls.patrons.unknown.add(ghost);
    const answer = await calls.checkEnded(librarian, await db.insertBook(1), ghost);
    expect(answer).toMatchObject({ ok: false, code: Code.NotFound, reason: "USER_NOT_FOUND" });
    expect(await calls.checkEnded(librarian, "nope")).toMatchObject({ ok: false, code: Code.InvalidArgument });
  });
});
