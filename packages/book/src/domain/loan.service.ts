import {
  decodePageToken,
  type Executor,
  encodePageToken,
  failedPrecondition,
  invalidArgument,
  isLibrarian,
  isUniqueViolation,
  isUuid,
  notFound,
  optionalUuid,
  type Principal,
  pageSizeOf,
  permissionDenied,
  requireUuid,
  type Transaction,
} from "@lms/platform";
import * as copies from "../store/copies.repository.js";
import * as loans from "../store/loan.repository.js";
import { alreadyBorrowed, lendBlockers, refusal, refuseFirst, shelfBlocker } from "./lending-rules.js";
import type { Loan, LoanOutcome } from "./loan.js";
import type { LoanPolicies } from "./loan-policy.cache.js";
import type { Patron } from "./ports.js";

/**
 * Whose loan a call is about: the caller's own, unless a librarian names someone else
 * (DESIGN.md §4: "userId: librarian+"). The identity comes from the verified token, never
 * from the body, for members.
 */
export function borrowerOf(caller: Principal, requested: string): string {
  if (requested === "" || requested.toLowerCase() === caller.userId.toLowerCase()) return caller.userId;
  if (!isLibrarian(caller.role)) throw permissionDenied("only librarians may act for another user");
  return requireUuid("userId", requested);
}

/** What lending reads besides the tables: the loan policies and the overdue grace (OVERDUE_BLOCK_DAYS). */
export interface Lending {
  policies: Pick<LoanPolicies, "policyFor">;
  overdueBlockDays: number;
}

/**
 * Lends any copy of the book to `borrower`, in the caller's transaction `tx`, under the rules of
 * DESIGN.md §8 in their order (lending-rules.ts): serialises the borrower's lends, reads their
 * standing and the policy of (their patron group, the book's loan type), then, in one
 * statement, takes a copy off the shelf and opens the loan due after the policy's loanDays.
 * Any refusal rolls everything back.
 */
export async function borrowBook(tx: Transaction, lending: Lending, borrower: Patron, bookId: string): Promise<LoanOutcome> {
  const userId = borrower.id;
  await loans.lockBorrower(tx, userId);
  const loanType = await copies.loanTypeOf(tx, bookId);
  if (loanType === undefined) throw notFound("book", bookId);
  const terms = await lending.policies.policyFor(borrower.patronGroup, loanType);
  const standing = await loans.standingOf(tx, userId, bookId, lending.overdueBlockDays);
  refuseFirst(lendBlockers({ userId, bookId, terms, ...standing, shelf: { kind: "book", available: true } }));
  const asAlreadyBorrowed = (err: unknown) => {
    throw isUniqueViolation(err, loans.ONE_OPEN_PER_USER_BOOK) ? refusal(alreadyBorrowed(bookId, userId)) : err;
  };
  const taken = await loans.openLoanOnAvailableCopy(tx, bookId, userId, terms.loanDays).catch(asAlreadyBorrowed);
  if (!taken.lent) throw refusal(shelfBlocker(bookId, { kind: "book", available: false }));
  // A copy added while the statement waited for the book row: look again, with the row held.
  const loan = taken.loan ?? (await loans.openLoanOnCopyOfLockedBook(tx, bookId, userId, terms.loanDays).catch(asAlreadyBorrowed));
  if (!loan) throw new Error(`book ${bookId}: the counter had a copy on the shelf, the copies none`);
  return { loan, availableCopies: taken.availableCopies };
}

/**
 * Closes the borrower's open loan of the book and puts its copy back on the shelf, exactly once
 * however many returns race. Every open loan has a copy (migration 0008's CHECK), so a copy not
 * on loan is a broken invariant: an error, and the transaction rolls back.
 */
export async function returnBook(tx: Transaction, caller: Principal, req: { bookId: string; userId: string }): Promise<LoanOutcome> {
  const bookId = requireUuid("id", req.bookId);
  const userId = borrowerOf(caller, req.userId);
  const loan = await loans.closeOpenLoan(tx, bookId, userId);
  if (!loan) {
    if (!(await copies.bookExists(tx, bookId))) throw notFound("book", bookId);
    throw failedPrecondition("NOT_BORROWED", "this user has no open loan of this book", { bookId, userId });
  }
  const availableCopies = await copies.giveCopyBack(tx, bookId, loan.copyId);
  if (availableCopies === undefined) throw new Error(`loan ${loan.id} was open but its copy ${loan.copyId} was not on loan`);
  return { loan, availableCopies };
}

const STATUSES = new Set(["", "open", "returned", "overdue"]);

/** Loans newest first: members see their own, librarians anyone's (all when no userId). */
export async function listLoans(
  db: Executor,
  caller: Principal,
  req: { userId: string; bookId: string; status: string; pageSize: number; pageToken: string },
): Promise<{ loans: Loan[]; nextPageToken: string; totalSize: number }> {
  const limit = pageSizeOf(req.pageSize);
  const status = req.status.trim().toLowerCase();
  if (!STATUSES.has(status)) throw invalidArgument("status", "must be open, returned or overdue");
  const userId = req.userId === "" && isLibrarian(caller.role) ? "" : borrowerOf(caller, req.userId);
  const filter = { userId, bookId: optionalUuid("bookId", req.bookId), status: status as loans.LoanFilter["status"] };
  const fingerprint = `loans:${filter.userId}:${filter.bookId}:${filter.status}`;
  const after = loanCursor(decodePageToken(req.pageToken, fingerprint));
  const { rows, total } = await loans.listLoans(db, filter, after, limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextPageToken = rows.length > limit && last ? encodePageToken(last.sortKey, fingerprint) : "";
  return { loans: page.map((r) => r.loan), nextPageToken, totalSize: total };
}

function loanCursor(cursor: (string | number)[] | undefined): [string, string] | undefined {
  if (!cursor) return undefined;
  const [at, id] = cursor;
  if (cursor.length !== 2 || typeof at !== "string" || Number.isNaN(Date.parse(at)) || typeof id !== "string" || !isUuid(id)) {
    throw invalidArgument("pageToken", "is not a page token of this query");
  }
  return [at, id];
}
