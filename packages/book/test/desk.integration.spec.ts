import { randomUUID } from "node:crypto";
import { type Timestamp, timestampMs } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { type CheckInResponse, type CheckOutResponse, CopyStatus } from "@lms/gen/library/book/v1/book_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { luhnCheckDigit } from "../src/domain/desk-scan.js";
import type { Lending } from "../src/domain/loan.service.js";
import { type BookDb, lendingUnder, openBookDb } from "./circulation-db.js";
import { answerOf, barcodesOf, createDeskCalls, loanOf } from "./desk-calls.js";

const rules = { maxActiveLoans: 2, loanDays: 14 };
const DAY_MS = 86_400_000;
const msOf = (t: Timestamp | undefined) => (t ? timestampMs(t) : Number.NaN);

// CheckOut and CheckIn by barcode on the real PostgreSQL, through the desk's handlers.
describe("the circulation desk: CheckOut and CheckIn by barcode", () => {
  let db: BookDb;
  let desk: ReturnType<typeof createDeskCalls>;
  let lending: Lending;
  /** The loan type whose policy does not lend (ITEM_NOT_LOANABLE). */
  const REFERENCE = "reference";
  beforeAll(async () => {
    db = await openBookDb(5);
    const lendable = lendingUnder(rules);
    const standard = await lendable.policies.policyFor("default", "standard");
    lending = {
      overdueBlockDays: 0,
      policies: { policyFor: async (_group, type) => (type === REFERENCE ? { ...standard, loanable: false } : standard) },
    };
    desk = createDeskCalls(db.pool, lending);
  });
  afterAll(async () => db?.close());

  it("lends exactly the scanned copy to a patron named by user id or by card number, due after loanDays", async () => {
    const book = await db.insertBook(3);
    const [first, second] = await barcodesOf(db.pool, book);
    const [byId, byCard] = [randomUUID(), randomUUID()];
    const lent = await desk.checkOut(first.toLowerCase(), byId);
    const loan = loanOf(lent);
    expect(loan).toMatchObject({ userId: byId, bookId: book, barcode: first, renewalCount: 0 });
    const proto = answerOf<CheckOutResponse>(lent).loan;
    expect(msOf(proto?.dueAt) - msOf(proto?.borrowedAt)).toBe(rules.loanDays * DAY_MS);

    expect(loanOf(await desk.checkOut(second, desk.patrons.issueCard(byCard)))).toMatchObject({ userId: byCard, barcode: second });
    expect(await db.counts(book)).toEqual({ available: 1, total: 3, open: 2 });
    expect(await db.copyCounts(book)).toMatchObject({ available: 1, onLoan: 2, loansOffCopy: 0, copiesOffLoan: 0 });
  });

  it("refuses a copy on loan, lost or withdrawn with COPY_NOT_AVAILABLE, and changes nothing", async () => {
    const book = await db.insertBook(3);
    const [lent, lost, withdrawn] = await barcodesOf(db.pool, book);
    await desk.checkOut(lent, randomUUID());
    await db.pool.query("update copies set status = 'lost' where barcode = $1", [lost]);
    await db.pool.query("update copies set status = 'withdrawn' where barcode = $1", [withdrawn]);
    await db.pool.query("update books set total_copies = 1, available_copies = 0 where id = $1", [book]);
    for (const barcode of [lent, lost, withdrawn]) {
      expect(await desk.checkOut(barcode, randomUUID())).toMatchObject({
        ok: false,
        code: Code.FailedPrecondition,
        reason: "COPY_NOT_AVAILABLE",
      });
    }
    expect(await db.counts(book)).toEqual({ available: 0, total: 1, open: 1 });
  });

  it("refuses in the order of DESIGN §8: PATRON_BLOCKED, ITEM_NOT_LOANABLE, ALREADY_BORROWED, LOAN_LIMIT_REACHED", async () => {
    const patron = randomUUID();
    const book = await db.insertBook(3);
    const [held, another, third] = await barcodesOf(db.pool, book);
    await desk.checkOut(held, patron);
    const reasonFor = async (barcode: string) => {
      const end = await desk.checkOut(barcode, patron);
      return end.ok ? "lent" : end.reason;
    };
    // A copy of a book the patron holds, itself on loan to someone else: ALREADY_BORROWED comes first.
    await desk.checkOut(another, randomUUID());
    expect(await reasonFor(another)).toBe("ALREADY_BORROWED");
    const other = await db.insertBook(1);
    await desk.checkOut((await barcodesOf(db.pool, other))[0], patron);
    expect(await reasonFor((await barcodesOf(db.pool, await db.insertBook(1)))[0])).toBe("LOAN_LIMIT_REACHED");
    await db.pool.query("update books set loan_type = $2 where id = $1", [book, REFERENCE]);
    expect(await reasonFor(third)).toBe("ITEM_NOT_LOANABLE");
    await db.pool.query(
      "update loans set borrowed_at = now() - interval '15 days', due_at = now() - interval '1 day' where user_id = $1 and book_id = $2",
      [patron, other],
    );
    expect(await reasonFor(third)).toBe("PATRON_BLOCKED");
    expect(await db.counts(book)).toEqual({ available: 1, total: 3, open: 2 });
  });

  it("answers NOT_FOUND for an unknown barcode, USER_NOT_FOUND for an unknown patron or card", async () => {
    const [barcode] = await barcodesOf(db.pool, await db.insertBook(1));
    expect(await desk.checkOut("NO-SUCH-COPY", randomUUID())).toMatchObject({ ok: false, code: Code.NotFound, reason: undefined });
    const stranger = randomUUID();
    desk.patrons.unknown.add(stranger);
    expect(await desk.checkOut(barcode, stranger)).toMatchObject({ ok: false, code: Code.NotFound, reason: "USER_NOT_FOUND" });
    expect(await desk.checkOut(barcode, `200000000${luhnCheckDigit("200000000")}`)).toMatchObject({
      ok: false,
      code: Code.NotFound,
      reason: "USER_NOT_FOUND",
    });
    expect(await desk.checkOut(barcode, "1000000007")).toMatchObject({ ok: false, code: Code.InvalidArgument });
    expect(await desk.checkIn("NO-SUCH-COPY")).toMatchObject({ ok: false, code: Code.NotFound });
  });

  it("checks a copy in: closes its loan, puts it on the shelf; a copy not on loan is COPY_NOT_ON_LOAN", async () => {
    const book = await db.insertBook(2);
    const [barcode] = await barcodesOf(db.pool, book);
    const opened = loanOf(await desk.checkOut(barcode, randomUUID()));
    const back = await desk.checkIn(barcode.toLowerCase());
    expect(loanOf(back)).toMatchObject({ id: opened?.id, barcode });
    const answer = answerOf<CheckInResponse>(back);
    expect(answer.loan?.returnedAt).toBeDefined();
    expect(answer.copy).toMatchObject({ barcode, status: CopyStatus.AVAILABLE });
    expect(await desk.checkIn(barcode)).toMatchObject({ ok: false, code: Code.FailedPrecondition, reason: "COPY_NOT_ON_LOAN" });
    expect(await db.counts(book)).toEqual({ available: 2, total: 2, open: 0 });
    expect(await db.copyCounts(book)).toMatchObject({ available: 2, onLoan: 0 });
  });

  it("answers a retried CheckOut or CheckIn with the same Idempotency-Key with the first answer, acting once", async () => {
    const book = await db.insertBook(2);
    const [barcode] = await barcodesOf(db.pool, book);
    const [patron, key, inKey] = [randomUUID(), randomUUID(), randomUUID()];
    const first = await desk.checkOut(barcode, patron, key);
    expect(await desk.checkOut(barcode, patron, key)).toEqual({ ...first, replayed: true });
    expect(await db.counts(book)).toMatchObject({ open: 1 });
    const checkedIn = await desk.checkIn(barcode, inKey);
    expect(await desk.checkIn(barcode, inKey)).toEqual({ ...checkedIn, replayed: true });
    expect(await desk.checkIn(barcode, key)).toMatchObject({ ok: false, code: Code.InvalidArgument, reason: "IDEMPOTENCY_KEY_REUSED" });
    expect(await db.counts(book)).toEqual({ available: 2, total: 2, open: 0 });
  });
});
