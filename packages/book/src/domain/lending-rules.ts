import type { ConnectError } from "@connectrpc/connect";
import { failedPrecondition } from "@lms/platform";

/**
 * The circulation rules of DESIGN.md §8 as pure functions of facts the caller has read (inside
 * its transaction), so BorrowBook, CheckOut, RenewLoan and CheckBorrow apply one set of rules
 * in one order, and CheckBorrow can list every blocker where a lend refuses with the first.
 */

/** The terms a lend or renewal gets: the resolved loan policy's numbers. */
export interface LendingTerms {
  loanable: boolean;
  loanDays: number;
  maxRenewals: number;
  maxLoans: number;
}

/** One reason a lend or a renewal is refused (an ErrorInfo reason with its message and metadata). */
export interface Blocker {
  reason: string;
  message: string;
  metadata: Record<string, string>;
}

/** What a lend of one book (any copy) or one scanned copy depends on. */
export interface LendFacts {
  userId: string;
  bookId: string;
  terms: LendingTerms;
  /** The borrower's open loans overdue by more than OVERDUE_BLOCK_DAYS. */
  overdueLoans: number;
  /** The borrower already holds an open loan of this book. */
  alreadyBorrowed: boolean;
  /** The borrower's open loans. */
  openLoans: number;
  /** Whether a copy can go out: any copy of the book (`book`), or the scanned one (`copy`). */
  shelf: { kind: "book"; available: boolean } | { kind: "copy"; barcode: string; available: boolean };
}

/** Every rule a lend breaks, in the order of DESIGN.md §8 (a lend refuses with the first). */
export function lendBlockers(f: LendFacts): Blocker[] {
  const found: Blocker[] = [];
  if (f.overdueLoans > 0) found.push(patronBlocked(f.userId, f.overdueLoans));
  if (!f.terms.loanable) {
    found.push({
      reason: "ITEM_NOT_LOANABLE",
      message: "the loan policy does not lend this item to this patron",
      metadata: { bookId: f.bookId },
    });
  }
  if (f.alreadyBorrowed) {
    found.push({
      reason: "ALREADY_BORROWED",
      message: "this user already has this book on loan",
      metadata: { bookId: f.bookId, userId: f.userId },
    });
  }
  if (f.openLoans >= f.terms.maxLoans) {
    found.push({
      reason: "LOAN_LIMIT_REACHED",
      message: `user already has ${f.openLoans} open loans (limit ${f.terms.maxLoans})`,
      metadata: { userId: f.userId, limit: String(f.terms.maxLoans) },
    });
  }
  if (!f.shelf.available) found.push(shelfBlocker(f.bookId, f.shelf));
  return found;
}

/** What a renewal depends on. */
export interface RenewFacts {
  loanId: string;
  userId: string;
  open: boolean;
  renewalCount: number;
  overdueLoans: number;
  terms: LendingTerms;
}

/** Every rule a renewal breaks: a closed loan first, then the patron, then the count. */
export function renewBlockers(f: RenewFacts): Blocker[] {
  if (!f.open) return [{ reason: "LOAN_NOT_OPEN", message: "this loan is already returned", metadata: { loanId: f.loanId } }];
  const found: Blocker[] = [];
  if (f.overdueLoans > 0) found.push(patronBlocked(f.userId, f.overdueLoans));
  if (f.renewalCount >= f.terms.maxRenewals) {
    found.push({
      reason: "RENEWAL_LIMIT_REACHED",
      message: `this loan was renewed ${f.renewalCount} times (limit ${f.terms.maxRenewals})`,
      metadata: { loanId: f.loanId, limit: String(f.terms.maxRenewals) },
    });
  }
  return found;
}

/** Throws the first blocker as its refusal; returns when there is none. */
export function refuseFirst(blockers: readonly Blocker[]): void {
  const first = blockers[0];
  if (first) throw refusal(first);
}

/** A blocker as the FAILED_PRECONDITION a lend or renewal answers, with its ErrorInfo. */
export function refusal(blocker: Blocker): ConnectError {
  return failedPrecondition(blocker.reason, blocker.message, blocker.metadata);
}

/** The borrower already holds an open loan of the book. */
export function alreadyBorrowed(bookId: string, userId: string): Blocker {
  return { reason: "ALREADY_BORROWED", message: "this user already has this book on loan", metadata: { bookId, userId } };
}

const DAY_MS = 86_400_000;

/** Due date of a lend at `now` under `terms` (loanDays 0: due at once). */
export function dueAtFor(now: Date, terms: LendingTerms): Date {
  return new Date(now.getTime() + terms.loanDays * DAY_MS);
}

/** Due date after a renewal at `now`: now + loanDays, never earlier than the current due date. */
export function renewedDueAt(now: Date, currentDueAt: Date, terms: LendingTerms): Date {
  const next = dueAtFor(now, terms);
  return next.getTime() > currentDueAt.getTime() ? next : currentDueAt;
}

function patronBlocked(userId: string, overdueLoans: number): Blocker {
  return {
    reason: "PATRON_BLOCKED",
    message: `the borrower has ${overdueLoans} overdue loan${overdueLoans === 1 ? "" : "s"}`,
    metadata: { userId, overdueLoans: String(overdueLoans) },
  };
}

/** No copy of the book is on the shelf, or the scanned copy is not. */
export function shelfBlocker(bookId: string, shelf: LendFacts["shelf"]): Blocker {
  return shelf.kind === "book"
    ? { reason: "NO_COPIES_AVAILABLE", message: "no copy of this book is available", metadata: { bookId } }
    : { reason: "COPY_NOT_AVAILABLE", message: `copy ${shelf.barcode} is not available`, metadata: { bookId, barcode: shelf.barcode } };
}
