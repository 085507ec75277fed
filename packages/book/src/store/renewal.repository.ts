import type { Executor } from "@lms/platform";
import type { Loan } from "../domain/loan.js";
import { LOAN_COLUMNS, type LoanRow, rowToLoan } from "./loan.repository.js";

/** Statements of RenewLoan and CheckBorrow (DESIGN.md §8). */

/** The loan with `id`, or undefined; a plain read (RenewLoan's check of whose loan it is, before its transaction). */
export async function findLoan(db: Executor, id: string): Promise<Loan | undefined> {
  const { rows } = await db.query<LoanRow>(`select ${LOAN_COLUMNS} from loans where id = $1`, [id]);
  return rows[0] && rowToLoan(rows[0]);
}

/**
 * Locks the loan's row until the transaction ends and returns it as it is now, with its book's
 * loan type: racing renewals of one loan take turns, each seeing the count the one before left.
 * It takes no other lock, so it cannot deadlock with a lend or a return.
 */
export async function lockLoan(tx: Executor, id: string): Promise<{ loan: Loan; loanType: string } | undefined> {
  const { rows } = await tx.query<LoanRow & { loan_type: string }>(
    `select ${LOAN_COLUMNS}, (select b.loan_type from books b where b.id = loans.book_id) as loan_type
       from loans where id = $1 for update`,
    [id],
  );
  return rows[0] && { loan: rowToLoan(rows[0]), loanType: rows[0].loan_type };
}

/**
 * Renews a locked open loan: due now + `loanDays` days, never earlier than it was (the database's
 * clock, as a lend's due date and the overdue check use), renewal count + 1. The conditions
 * repeat the rules as a last defence: undefined when the loan is closed or at `maxRenewals`.
 */
export async function renewOpenLoan(tx: Executor, id: string, loanDays: number, maxRenewals: number): Promise<Loan | undefined> {
  const { rows } = await tx.query<LoanRow>(
    `update loans set due_at = greatest(due_at, now() + make_interval(days => $2::int)), renewal_count = renewal_count + 1
      where id = $1 and returned_at is null and renewal_count < $3
      returning ${LOAN_COLUMNS}`,
    [id, loanDays, maxRenewals],
  );
  return rows[0] && rowToLoan(rows[0]);
}

/** What CheckBorrow weighs, read in one statement (one snapshot). */
export interface BorrowSnapshot {
  loanType: string;
  /** A copy of the book is on the shelf (its counter above 0). */
  available: boolean;
  /** The database's clock, from which a borrow now would be due. */
  now: Date;
  openLoans: number;
  overdueLoans: number;
  alreadyBorrowed: boolean;
}

/**
 * The book's loan type and shelf with the user's standing (as `standingOf` reads it), in one
 * statement so that all are of one moment; undefined when no such book.
 */
export async function borrowSnapshot(
  db: Executor,
  userId: string,
  bookId: string,
  overdueBlockDays: number,
): Promise<BorrowSnapshot | undefined> {
  const { rows } = await db.query<BorrowSnapshot>(
    `select b.loan_type as "loanType", b.available_copies > 0 as available, now() as now, s.*
       from books b cross join lateral (
         select count(*)::int as "openLoans",
                count(*) filter (where due_at < now() - make_interval(days => $3::int))::int as "overdueLoans",
                coalesce(bool_or(book_id = $2), false) as "alreadyBorrowed"
           from loans where user_id = $1 and returned_at is null) s
      where b.id = $2`,
    [userId, bookId, overdueBlockDays],
  );
  return rows[0];
}
