import type { Executor } from "@lms/platform";
import type { Copy } from "../domain/copy.js";
import type { Loan } from "../domain/loan.js";
import { COPY_COLUMNS, copyColumns, rowToCopy } from "./copies.repository.js";
import { LOAN_COLUMNS, type LoanRow, rowToLoan } from "./loan.repository.js";

/**
 * The desk's statements: lending and taking back the one copy a barcode names. They keep the
 * lock order of copies.repository.ts (the book row first, then the copy) and move the book's
 * counters in the same statement as the copy's status.
 */

type CopyRow = Parameters<typeof rowToCopy>[0];

/** A scanned copy as a check-out first reads it, unlocked: which book, under which loan type. */
export interface ScannedItem {
  copyId: string;
  bookId: string;
  loanType: string;
}

/** The copy with this barcode (case-insensitively) with its book's loan type; undefined when none. */
export async function findItemByBarcode(db: Executor, barcode: string): Promise<ScannedItem | undefined> {
  const { rows } = await db.query<ScannedItem>(
    `select c.id as "copyId", c.book_id as "bookId", b.loan_type as "loanType"
       from copies c join books b on b.id = c.book_id where upper(c.barcode) = upper($1)`,
    [barcode],
  );
  return rows[0];
}

/**
 * Locks the book row, then the copy, until the transaction ends, in one statement, and returns
 * the copy as it is now. The order holds because the copy's row lock (`for update of c`, taken
 * over the join's output) can only be taken once the CTE has produced, and so locked, the book row.
 */
export async function lockBookThenCopy(tx: Executor, bookId: string, copyId: string): Promise<Copy | undefined> {
  const { rows } = await tx.query<CopyRow>(
    `with book as (select id from books where id = $1 for update)
     select ${copyColumns("c")}
       from copies c join book on book.id = c.book_id where c.id = $2 for update of c`,
    [bookId, copyId],
  );
  return rows[0] && rowToCopy(rows[0]);
}

/** Name of the partial unique index behind "a copy is on at most one open loan" (migration 0008). */
export const ONE_OPEN_PER_COPY = "loans_one_open_per_copy";

/**
 * Lends the copy (locked by this transaction with its book, and available): marks it on loan,
 * takes one from the book's available counter and opens the loan due `loanDays` days from now,
 * in one statement. Undefined when the copy was not available after all (nothing changed then
 * but the counter, which the caller's rollback restores). The partial unique indexes refuse a
 * second open loan of the user and book, or of the copy.
 */
export async function openLoanOnCopy(
  tx: Executor,
  bookId: string,
  copyId: string,
  userId: string,
  loanDays: number,
): Promise<Loan | undefined> {
  const { rows } = await tx.query<LoanRow>(
    `with book as (
       update books set available_copies = available_copies - 1 where id = $1 returning id
     ), copy as (
       update copies set status = 'on_loan', updated_at = now()
        where id = $2 and book_id = $1 and status = 'available' and exists (select from book) returning id
     ), opened as (
       insert into loans (book_id, user_id, copy_id, due_at)
       select $1::uuid, $3::uuid, copy.id, now() + make_interval(days => $4::int) from copy
       returning ${LOAN_COLUMNS}
     )
     select * from opened`,
    [bookId, copyId, userId, loanDays],
  );
  return rows[0] && rowToLoan(rows[0]);
}

/**
 * Closes the open loan of the copy with this barcode, exactly once: the UPDATE locks the loan
 * row, so of racing check-ins one closes it and the others find no open loan. Dated by the
 * clock, never before the loan began (see closeOpenLoan). Undefined when none was open.
 */
export async function closeOpenLoanOfBarcode(tx: Executor, barcode: string): Promise<Loan | undefined> {
  const { rows } = await tx.query<LoanRow>(
    `update loans set returned_at = greatest(clock_timestamp(), borrowed_at)
      where copy_id = (select id from copies where upper(barcode) = upper($1)) and returned_at is null
     returning ${LOAN_COLUMNS}`,
    [barcode],
  );
  return rows[0] && rowToLoan(rows[0]);
}

/**
 * Puts a copy whose loan was just closed back on the shelf, in one statement that takes the
 * book row first and then the copy, and returns the copy; undefined if it was not on loan (the
 * caller must roll back: the counter moved).
 */
export async function shelveReturnedCopy(tx: Executor, bookId: string, copyId: string): Promise<Copy | undefined> {
  const { rows } = await tx.query<CopyRow>(
    `with book as (
       update books set available_copies = available_copies + 1 where id = $1 returning id
     )
     update copies set status = 'available', updated_at = now()
      where id = $2 and book_id = $1 and status = 'on_loan' and exists (select from book)
     returning ${COPY_COLUMNS}`,
    [bookId, copyId],
  );
  return rows[0] && rowToCopy(rows[0]);
}
