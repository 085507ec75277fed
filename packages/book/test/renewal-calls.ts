import { create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import {
  BookService,
  CheckBorrowRequestSchema,
  type CheckBorrowResponse,
  RenewLoanRequestSchema,
  type RenewLoanResponse,
} from "@lms/gen/library/book/v1/book_pb";
import { inTransaction, type Principal } from "@lms/platform";
import type pg from "pg";
import type { Loan } from "../src/domain/loan.js";
import * as loans from "../src/domain/loan.service.js";
import type { LoanPolicy, LoanPolicyTerms } from "../src/domain/loan-policy.js";
import { createPatronLookup } from "../src/domain/patron-cache.js";
import { createRenewalRpc } from "../src/rpc/renewal.rpc.js";
import { FakePatrons } from "./fake-directories.js";
import { type Ended, ended, keyedContext } from "./idempotent-calls.js";

export const DAY_MS = 86_400_000;

/** Terms by patron group (FakePatrons' `groups`): any group not named here lends under `default`. */
export const TERMS: Record<string, LoanPolicyTerms> = {
  default: { loanable: true, loanDays: 14, maxRenewals: 2, maxLoans: 5 },
  racer: { loanable: true, loanDays: 14, maxRenewals: 3, maxLoans: 5 },
  short: { loanable: true, loanDays: 1, maxRenewals: 5, maxLoans: 5 },
  none: { loanable: false, loanDays: 0, maxRenewals: 0, maxLoans: 0 },
};

/** Lending whose policy depends on the patron group only (TERMS), overdue loans blocking at once. */
export function lendingByGroup(): loans.Lending {
  const policyFor = async (patronGroup: string, loanType: string): Promise<LoanPolicy> => ({
    patronGroup,
    loanType,
    ...(TERMS[patronGroup] ?? TERMS.default),
  });
  return { policies: { policyFor }, overdueBlockDays: 0 };
}

/**
 * RenewLoan and CheckBorrow through the book service's own handlers (as both faces call them),
 * with the borrowers from FakePatrons (`patrons.groups`, `patrons.unknown`), and borrows to set
 * the scene.
 */
export function createRenewalCalls(pool: pg.Pool) {
  const patrons = new FakePatrons();
  const lending = lendingByGroup();
  const lookup = createPatronLookup(patrons, 0);
  const rpc = createRenewalRpc(pool, { patrons: lookup, lending });
  return {
    patrons,
    async borrow(who: Principal, bookId: string): Promise<Loan> {
      const borrower = await lookup.byId(who.userId);
      return (await inTransaction(pool, (tx) => loans.borrowBook(tx, lending, borrower, bookId))).loan;
    },
    renew(who: Principal, loanId: string, key?: string) {
      const ctx = keyedContext(BookService.method.renewLoan, who, key);
      return ended(ctx, () => rpc.renewLoan(create(RenewLoanRequestSchema, { id: loanId }), ctx));
    },
    async check(who: Principal, bookId: string, userId = "") {
      const ctx = keyedContext(BookService.method.checkBorrow, who);
      const res = (await rpc.checkBorrow(create(CheckBorrowRequestSchema, { id: bookId, userId }), ctx)) as CheckBorrowResponse;
      return { ...res, reasons: res.blockers.map((b) => b.reason), dueAt: res.dueAt && timestampDate(res.dueAt) };
    },
    checkEnded(who: Principal, bookId: string, userId = "") {
      const ctx = keyedContext(BookService.method.checkBorrow, who);
      return ended(ctx, () => rpc.checkBorrow(create(CheckBorrowRequestSchema, { id: bookId, userId }), ctx));
    },
  };
}

/** The due date and count of the loan a RenewLoan answered (throws when it was refused). */
export function renewedLoan(result: Ended): { renewalCount: number; dueAt: Date } {
  if (!result.ok) throw new Error(`expected a renewal, got ${result.code} ${result.reason ?? ""} ${result.message}`);
  const { loan } = result.message as RenewLoanResponse;
  if (!loan?.dueAt) throw new Error("a renewal answered no loan");
  return { renewalCount: loan.renewalCount, dueAt: timestampDate(loan.dueAt) };
}
