import type pg from "pg";
import { inTransaction, LOAN_COLUMNS, type SqlOutcome } from "./circulation-sql.js";

// The statements of CheckOut and CheckIn by barcode, in the order the book service runs them
// (packages/book/src/domain/desk.service.ts, store/desk.repository.ts, store/loan.repository.ts),
// so the raw-SQL baseline costs exactly the database work of the desk and nothing else. The
// patron (found by card number) and the policy come from the service's memory: no SQL here either.

/**
 * The check-out transaction: per-user lock, the scanned copy with its book's loan type, the
 * borrower's standing, the book row then the copy locked, then the copy lent and the loan
 * opened in one statement.
 */
export function checkOutTransaction(pool: pg.Pool, barcode: string, userId: string, maxLoans = 100): Promise<SqlOutcome> {
  return inTransaction(pool, async (tx) => {
    await tx.query("select pg_advisory_xact_lock(hashtext('lms.loans.user'), hashtext($1))", [userId]);
    const found = await tx.query<{ copyId: string; bookId: string; loanType: string }>(
      `select c.id as "copyId", c.book_id as "bookId", b.loan_type as "loanType"
         from copies c join books b on b.id = c.book_id where upper(c.barcode) = upper($1)`,
      [barcode],
    );
    if (found.rowCount === 0) throw new Error(`no copy ${barcode}`);
    const { copyId, bookId } = found.rows[0];
    const standing = await tx.query<{ open: number; held: boolean }>(
      `select count(*)::int as open, count(*) filter (where due_at < now() - make_interval(days => 0))::int as overdue,
              coalesce(bool_or(book_id = $2), false) as held
         from loans where user_id = $1 and returned_at is null`,
      [userId, bookId],
    );
    if (standing.rows[0].held) return "ALREADY_BORROWED";
    if (standing.rows[0].open >= maxLoans) return "LOAN_LIMIT_REACHED";
    const locked = await tx.query<{ status: string }>(
      `with book as (select id from books where id = $1 for update)
       select c.id, c.book_id, c.barcode, c.status, c.created_at, c.updated_at
         from copies c join book on book.id = c.book_id where c.id = $2 for update of c`,
      [bookId, copyId],
    );
    if (locked.rows[0]?.status !== "available") return "COPY_NOT_AVAILABLE";
    const opened = await tx.query(
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
      [bookId, copyId, userId, 21],
    );
    return opened.rowCount === 1 ? "ok" : "COPY_NOT_AVAILABLE";
  });
}

/** The check-in transaction: close the open loan of the scanned copy, then put the copy back on the shelf. */
export function checkInTransaction(pool: pg.Pool, barcode: string): Promise<SqlOutcome> {
  return inTransaction(pool, async (tx) => {
    const closed = await tx.query<{ book_id: string; copy_id: string }>(
      `update loans set returned_at = greatest(clock_timestamp(), borrowed_at)
        where copy_id = (select id from copies where upper(barcode) = upper($1)) and returned_at is null
       returning ${LOAN_COLUMNS}`,
      [barcode],
    );
    if (closed.rowCount === 0) return "COPY_NOT_ON_LOAN";
    await tx.query(
      `with book as (
         update books set available_copies = available_copies + 1 where id = $1 returning id
       )
       update copies set status = 'available', updated_at = now()
        where id = $2 and book_id = $1 and status = 'on_loan' and exists (select from book)
       returning id, book_id, barcode, status, created_at, updated_at`,
      [closed.rows[0].book_id, closed.rows[0].copy_id],
    );
    return "ok";
  });
}
