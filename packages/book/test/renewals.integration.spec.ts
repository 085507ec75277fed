import { randomUUID } from "node:crypto";
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BookDb, caller, openBookDb, returnBook } from "./circulation-db.js";
import { createRenewalCalls, DAY_MS, renewedLoan } from "./renewal-calls.js";

// RenewLoan through its handler on the real PostgreSQL (DESIGN.md §8): the due date, the count,
// the refusals in renewBlockers' order, who may renew, and racing renewals against maxRenewals.
describe("RenewLoan (real PostgreSQL)", () => {
  let db: BookDb;
  let calls: ReturnType<typeof createRenewalCalls>;
  beforeAll(async () => {
    db = await openBookDb(20);
    calls = createRenewalCalls(db.pool);
  });
  afterAll(async () => db?.close());

  const dueOf = async (loanId: string) =>
    (await db.pool.query<{ due_at: Date; renewal_count: number }>("select due_at, renewal_count from loans where id = $1", [loanId]))
      .rows[0];
  /** Moves the loan's due date by `days` from now (negative: overdue). */
  const dueIn = (loanId: string, days: number) =>
    db.pool.query(
      "update loans set borrowed_at = now() - interval '30 days', due_at = now() + make_interval(days => $2::int) where id = $1",
      [loanId, days],
    );

  it("renews the caller's own loan: due now + loanDays, renewalCount + 1", async () => {
    const member = caller();
    const loan = await calls.borrow(member, await db.insertBook(1));
    await dueIn(loan.id, 3);
    const renewed = renewedLoan(await calls.renew(member, loan.id));
    expect(renewed.renewalCount).toBe(1);
    expect(Math.round((renewed.dueAt.getTime() - Date.now()) / DAY_MS)).toBe(14);
    expect(await dueOf(loan.id)).toEqual({ due_at: renewed.dueAt, renewal_count: 1 });
  });

  it("never moves the due date earlier than it was", async () => {
    const member = caller();
    const loan = await calls.borrow(member, await db.insertBook(1)); // due in 14 days
    calls.patrons.groups.set(member.userId, "short"); // renewed under loanDays 1
    const before = (await dueOf(loan.id)).due_at;
    const renewed = renewedLoan(await calls.renew(member, loan.id));
    expect(renewed).toEqual({ renewalCount: 1, dueAt: before });
  });

  it("lets a librarian renew anyone's loan; a member another's is PERMISSION_DENIED; an unknown loan NOT_FOUND", async () => {
    const [owner, other] = [caller(), caller()];
    const loan = await calls.borrow(owner, await db.insertBook(1));
    expect(await calls.renew(other, loan.id)).toMatchObject({ ok: false, code: Code.PermissionDenied });
    expect(renewedLoan(await calls.renew(caller("ROLE_LIBRARIAN"), loan.id)).renewalCount).toBe(1);
    expect(await calls.renew(owner, randomUUID())).toMatchObject({ ok: false, code: Code.NotFound });
    expect(await calls.renew(owner, "not-a-uuid")).toMatchObject({ ok: false, code: Code.InvalidArgument });
    expect((await dueOf(loan.id)).renewal_count).toBe(1);
  });

  it("refuses a returned loan with LOAN_NOT_OPEN", async () => {
    const member = caller();
    const book = await db.insertBook(1);
    const loan = await calls.borrow(member, book);
    await returnBook(db.pool, member, { bookId: book, userId: "" });
    expect(await calls.renew(member, loan.id)).toMatchObject({ ok: false, code: Code.FailedPrecondition, reason: "LOAN_NOT_OPEN" });
  });

  it("refuses at maxRenewals with RENEWAL_LIMIT_REACHED, and an overdue borrower first with PATRON_BLOCKED", async () => {
    const member = caller();
    const loan = await calls.borrow(member, await db.insertBook(1));
    renewedLoan(await calls.renew(member, loan.id));
    renewedLoan(await calls.renew(member, loan.id));
    const limit = { ok: false, code: Code.FailedPrecondition, reason: "RENEWAL_LIMIT_REACHED" };
    expect(await calls.renew(member, loan.id)).toMatchObject(limit);
    const other = await calls.borrow(member, await db.insertBook(1));
    await dueIn(other.id, -2);
    expect(await calls.renew(member, loan.id)).toMatchObject({ ok: false, reason: "PATRON_BLOCKED" });
    expect(await calls.renew(member, other.id)).toMatchObject({ ok: false, reason: "PATRON_BLOCKED" });
    expect(await dueOf(loan.id)).toMatchObject({ renewal_count: 2 });
  });

  it("counts N racing renewals once each, never past maxRenewals: exactly min(N, M) succeed", async () => {
    for (const n of [12, 2]) {
      const member = caller();
      calls.patrons.groups.set(member.userId, "racer"); // maxRenewals 3
      const loan = await calls.borrow(member, await db.insertBook(1));
      const results = await Promise.all(Array.from({ length: n }, () => calls.renew(member, loan.id)));
      const counts = results.filter((r) => r.ok).map((r) => renewedLoan(r).renewalCount);
      expect(counts.sort()).toEqual([1, 2, 3].slice(0, Math.min(n, 3)));
      for (const r of results.filter((x) => !x.ok))
        expect(r).toMatchObject({ code: Code.FailedPrecondition, reason: "RENEWAL_LIMIT_REACHED" });
      expect((await dueOf(loan.id)).renewal_count).toBe(Math.min(n, 3));
    }
  });

  it("renews once for one Idempotency-Key, however many retries race", async () => {
    const member = caller();
    const loan = await calls.borrow(member, await db.insertBook(1));
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 8 }, () => calls.renew(member, loan.id, key)));
    const answered = results.filter((r) => r.ok);
    expect(answered.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(answered.map((r) => renewedLoan(r).renewalCount))).toEqual(new Set([1]));
    for (const r of results.filter((x) => !x.ok)) expect(r).toMatchObject({ code: Code.Aborted, reason: "IDEMPOTENCY_KEY_IN_USE" });
    expect(await calls.renew(member, loan.id, key)).toMatchObject({ ok: true, replayed: true });
    expect((await dueOf(loan.id)).renewal_count).toBe(1);
  });
});
