import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { dueAtFor, type LendFacts, lendBlockers, refuseFirst, renewBlockers, renewedDueAt } from "./lending-rules.js";

const terms = { loanable: true, loanDays: 14, maxRenewals: 2, maxLoans: 5 };
const clear: LendFacts = {
  userId: "u1",
  bookId: "b1",
  terms,
  overdueLoans: 0,
  alreadyBorrowed: false,
  openLoans: 0,
  shelf: { kind: "book", available: true },
};

describe("lendBlockers", () => {
  it("finds nothing for a patron in good standing and a copy on the shelf", () => {
    expect(lendBlockers(clear)).toEqual([]);
  });

  it("lists every rule broken at once, in DESIGN.md §8 order", () => {
    const all = lendBlockers({
      ...clear,
      terms: { ...terms, loanable: false, maxLoans: 3 },
      overdueLoans: 2,
      alreadyBorrowed: true,
      openLoans: 3,
      shelf: { kind: "book", available: false },
    });
    expect(all.map((b) => b.reason)).toEqual([
      "PATRON_BLOCKED",
      "ITEM_NOT_LOANABLE",
      "ALREADY_BORROWED",
      "LOAN_LIMIT_REACHED",
      "NO_COPIES_AVAILABLE",
    ]);
    expect(all[0].metadata).toEqual({ userId: "u1", overdueLoans: "2" });
    expect(all[3].metadata.limit).toBe("3");
  });

  it("names the scanned copy when that copy is out, and a limit of 0 refuses the first loan", () => {
    const found = lendBlockers({
      ...clear,
      terms: { ...terms, maxLoans: 0 },
      shelf: { kind: "copy", barcode: "C00000000001", available: false },
    });
    expect(found.map((b) => b.reason)).toEqual(["LOAN_LIMIT_REACHED", "COPY_NOT_AVAILABLE"]);
    expect(found[1].metadata.barcode).toBe("C00000000001");
  });
});

describe("renewBlockers", () => {
  const open = { loanId: "l1", userId: "u1", open: true, renewalCount: 0, overdueLoans: 0, terms };

  it("allows a renewal below the limit and refuses at it", () => {
    expect(renewBlockers(open)).toEqual([]);
    expect(renewBlockers({ ...open, renewalCount: 2 }).map((b) => b.reason)).toEqual(["RENEWAL_LIMIT_REACHED"]);
  });

  it("refuses a returned loan before anything else, and a blocked patron beside the limit", () => {
    expect(renewBlockers({ ...open, open: false, overdueLoans: 1, renewalCount: 9 }).map((b) => b.reason)).toEqual(["LOAN_NOT_OPEN"]);
    expect(renewBlockers({ ...open, overdueLoans: 1, renewalCount: 2 }).map((b) => b.reason)).toEqual([
      "PATRON_BLOCKED",
      "RENEWAL_LIMIT_REACHED",
    ]);
  });
});

describe("refuseFirst", () => {
  it("throws the first blocker as FAILED_PRECONDITION and returns when there is none", () => {
    expect(() => refuseFirst([])).not.toThrow();
    const err = (() => {
      try {
        refuseFirst(lendBlockers({ ...clear, alreadyBorrowed: true, shelf: { kind: "book", available: false } }));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.FailedPrecondition);
    expect((err as ConnectError).rawMessage).toBe("this user already has this book on loan");
  });
});

describe("due dates", () => {
  const now = new Date("2026-12-05T10:00:00Z");

  it("lends for loanDays, and loanDays 0 is due at once", () => {
    expect(dueAtFor(now, terms).toISOString()).toBe("2026-12-19T10:00:00.000Z");
    expect(dueAtFor(now, { ...terms, loanDays: 0 }).getTime()).toBe(now.getTime());
  });

  it("renews to now + loanDays but never earlier than the current due date", () => {
    expect(renewedDueAt(now, new Date("2026-12-10T00:00:00Z"), terms).toISOString()).toBe("2026-12-19T10:00:00.000Z");
    const later = new Date("2027-01-30T00:00:00Z");
    expect(renewedDueAt(now, later, terms)).toBe(later);
  });
});
