import { type Executor, isLibrarian, notFound, type Principal, permissionDenied, type Transaction } from "@lms/platform";
import * as loans from "../store/loan.repository.js";
import * as renewals from "../store/renewal.repository.js";
import { type Blocker, dueAtFor, lendBlockers, refuseFirst, renewBlockers } from "./lending-rules.js";
import type { Loan } from "./loan.js";
import type { Lending } from "./loan.service.js";
import type { Patron } from "./ports.js";

/**
 * Whose loan `loanId` is, for a caller allowed to renew it: their own, or anyone's for a
 * librarian (PERMISSION_DENIED otherwise; NOT_FOUND when no such loan). Read before the
 * renewal's transaction, so that the borrower's patron group is asked of the auth service
 * with no connection held; a loan never changes hands, so the answer stays true.
 */
export async function renewableBy(db: Executor, caller: Principal, loanId: string): Promise<string> {
  const loan = await renewals.findLoan(db, loanId);
  if (!loan) throw notFound("loan", loanId);
  if (loan.userId.toLowerCase() !== caller.userId.toLowerCase() && !isLibrarian(caller.role)) {
    throw permissionDenied("only librarians may renew another user's loan");
  }
  return loan.userId;
}

/**
 * Renews the loan in the caller's transaction `tx` (DESIGN.md §8): locks its row (racing
 * renewals take turns, so each counts once and none passes maxRenewals), reads the policy of
 * (the borrower's patron group, the book's loan type) and the borrower's overdue loans, refuses
 * with the first of renewBlockers (LOAN_NOT_OPEN, PATRON_BLOCKED, RENEWAL_LIMIT_REACHED), then
 * moves the due date to now + loanDays (never earlier) and counts the renewal.
 */
export async function renewLoan(tx: Transaction, lending: Lending, borrower: Patron, loanId: string): Promise<Loan> {
  const locked = await renewals.lockLoan(tx, loanId);
  if (!locked) throw notFound("loan", loanId);
  const { loan, loanType } = locked;
  if (loan.userId.toLowerCase() !== borrower.id.toLowerCase()) throw new Error(`loan ${loanId} is not ${borrower.id}'s`);
  const terms = await lending.policies.policyFor(borrower.patronGroup, loanType);
  const open = loan.returnedAt === undefined;
  // The loan itself counts among the overdue ones: an overdue patron brings it back instead.
  const overdueLoans = open ? (await loans.standingOf(tx, loan.userId, loan.bookId, lending.overdueBlockDays)).overdueLoans : 0;
  refuseFirst(renewBlockers({ loanId, userId: loan.userId, open, renewalCount: loan.renewalCount, overdueLoans, terms }));
  const renewed = await renewals.renewOpenLoan(tx, loanId, terms.loanDays, terms.maxRenewals);
  if (!renewed) throw new Error(`loan ${loanId} was locked and renewable, yet not renewed`);
  return renewed;
}

/** CheckBorrow's answer: every blocker, and the due date a borrow now would get. */
export interface Eligibility {
  eligible: boolean;
  blockers: Blocker[];
  dueAt: Date;
}

/**
 * Whether `patron` may borrow the book now: every rule a borrow would break, in BorrowBook's
 * order (lendBlockers), read in one statement without locks: an answer of that moment, which a
 * borrow right after may still find changed. NOT_FOUND when no such book.
 */
export async function checkBorrow(db: Executor, lending: Lending, patron: Patron, bookId: string): Promise<Eligibility> {
  const seen = await renewals.borrowSnapshot(db, patron.id, bookId, lending.overdueBlockDays);
  if (!seen) throw notFound("book", bookId);
  const terms = await lending.policies.policyFor(patron.patronGroup, seen.loanType);
  const { openLoans, overdueLoans, alreadyBorrowed } = seen;
  const blockers = lendBlockers({
    userId: patron.id,
    bookId,
    terms,
    openLoans,
    overdueLoans,
    alreadyBorrowed,
    shelf: { kind: "book", available: seen.available },
  });
  return { eligible: blockers.length === 0, blockers, dueAt: dueAtFor(seen.now, terms) };
}
