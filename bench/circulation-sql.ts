import type pg from "pg";

// The statements of BorrowBook and ReturnBook, in the order the book service runs them
// (packages/book/src/domain/loan.service.ts, store/*.repository.ts), so the raw-SQL baseline
// costs exactly the database work of the product and nothing else.

export const LOAN_COLUMNS = `loans.id, loans.book_id, loans.user_id, loans.borrowed_at, loans.due_at, loans.returned_at,
  loans.copy_id, (select c.barcode from copies c where c.id = loans.copy_id) as barcode, loans.renewal_count,
  to_char(loans.borrowed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as sort_at`;

const TAKE_FROM_COUNTER =
  "update books set available_copies = available_copies - 1 where id = $1 and available_copies > 0 returning available_copies";
const LEND_ANY_COPY = `copy as (
    update copies set status = 'on_loan', updated_at = now()
     where id = (select id from copies where book_id = $1 and status = 'available' and exists (select from book)
                  limit 1 for update skip locked)
    returning id
  ), opened as (
    insert into loans (book_id, user_id, copy_id, due_at)
    select $1::uuid, $2::uuid, copy.id, now() + make_interval(days => $3::int) from copy
    returning ${LOAN_COLUMNS}
  )`;

/** Outcome of one raw transaction: "ok", or the refusal the service would have answered. */
export type SqlOutcome =
  | "ok"
  | "NO_COPIES_AVAILABLE"
  | "NOT_BORROWED"
  | "ALREADY_BORROWED"
  | "LOAN_LIMIT_REACHED"
  | "COPY_NOT_AVAILABLE"
  | "COPY_NOT_ON_LOAN";

export async function inTransaction(pool: pg.Pool, work: (c: pg.PoolClient) => Promise<SqlOutcome>): Promise<SqlOutcome> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const outcome = await work(client);
    await client.query(outcome === "ok" ? "COMMIT" : "ROLLBACK");
    return outcome;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** The borrow transaction: per-user lock, the book's loan type, the borrower's standing (one read), then take any copy and open the loan (one statement). */
export function borrowTransaction(pool: pg.Pool, bookId: string, userId: string, maxActiveLoans = 5): Promise<SqlOutcome> {
  return inTransaction(pool, async (tx) => {
    await tx.query("select pg_advisory_xact_lock(hashtext('lms.loans.user'), hashtext($1))", [userId]);
    const book = await tx.query("select loan_type from books where id = $1", [bookId]);
    if (book.rowCount === 0) throw new Error(`no book ${bookId}`);
    // The borrower's standing in one read (the product's standingOf); the policy comes from memory.
    const standing = await tx.query<{ open: number; overdue: number; held: boolean }>(
      `select count(*)::int as open, count(*) filter (where due_at < now() - make_interval(days => 0))::int as overdue,
              coalesce(bool_or(book_id = $2), false) as held
         from loans where user_id = $1 and returned_at is null`,
      [userId, bookId],
    );
    if (standing.rows[0].held) return "ALREADY_BORROWED";
    if (standing.rows[0].open >= maxActiveLoans) return "LOAN_LIMIT_REACHED";
    const params = [bookId, userId, 14];
    const lent = await tx.query(
      `with book as (${TAKE_FROM_COUNTER}), ${LEND_ANY_COPY} select opened.*, book.available_copies from book left join opened on true`,
      params,
    );
    if (lent.rowCount === 0) return "NO_COPIES_AVAILABLE";
    // A copy added while the statement waited for the book row: the product looks again, so does this.
    if (lent.rows[0].id === null) await tx.query(`with book as (select 1), ${LEND_ANY_COPY} select * from opened`, params);
    return "ok";
  });
}

/** The return transaction: close the user's open loan of the book, then put its copy back on the shelf. */
export function returnTransaction(pool: pg.Pool, bookId: string, userId: string): Promise<SqlOutcome> {
  return inTransaction(pool, async (tx) => {
    const closed = await tx.query(
      `update loans set returned_at = greatest(clock_timestamp(), borrowed_at) where book_id = $1 and user_id = $2 and returned_at is null returning ${LOAN_COLUMNS}`,
      [bookId, userId],
    );
    if (closed.rowCount === 0) return "NOT_BORROWED";
    await tx.query(
      `with book as (
         update books set available_copies = available_copies + 1 where id = $1 returning available_copies
       ), copy as (
         update copies set status = 'available', updated_at = now()
          where id = $2 and book_id = $1 and status = 'on_loan' and exists (select from book)
         returning id
       )
       select book.available_copies, (select count(*) from copy)::int as returned from book`,
      [bookId, closed.rows[0].copy_id],
    );
    return "ok";
  });
}
