import type pg from "pg";

// The statements of BorrowBook and ReturnBook, in the order the book service runs them
// (packages/book/src/domain/loan.service.ts, store/*.repository.ts), so the raw-SQL baseline
// costs exactly the database work of the product and nothing else.

const LOAN_COLUMNS = `id, book_id, user_id, borrowed_at, due_at, returned_at,
  to_char(borrowed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as sort_at`;

/** Outcome of one raw transaction: "ok", or the refusal the service would have answered. */
export type SqlOutcome = "ok" | "NO_COPIES_AVAILABLE" | "NOT_BORROWED" | "ALREADY_BORROWED" | "LOAN_LIMIT_REACHED";

async function inTransaction(pool: pg.Pool, work: (c: pg.PoolClient) => Promise<SqlOutcome>): Promise<SqlOutcome> {
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

/** The borrow transaction: per-user lock, existence, one-per-book and limit checks, take a copy, open the loan. */
export function borrowTransaction(pool: pg.Pool, bookId: string, userId: string, maxActiveLoans = 5): Promise<SqlOutcome> {
  return inTransaction(pool, async (tx) => {
    await tx.query("select pg_advisory_xact_lock(hashtext('lms.loans.user'), hashtext($1))", [userId]);
    const exists = await tx.query("select 1 from books where id = $1", [bookId]);
    if (exists.rowCount === 0) throw new Error(`no book ${bookId}`);
    const held = await tx.query("select 1 from loans where book_id = $1 and user_id = $2 and returned_at is null", [bookId, userId]);
    if ((held.rowCount ?? 0) > 0) return "ALREADY_BORROWED";
    const open = await tx.query<{ n: number }>("select count(*)::int as n from loans where user_id = $1 and returned_at is null", [userId]);
    if (open.rows[0].n >= maxActiveLoans) return "LOAN_LIMIT_REACHED";
    const taken = await tx.query(
      "update books set available_copies = available_copies - 1 where id = $1 and available_copies > 0 returning available_copies",
      [bookId],
    );
    if (taken.rowCount === 0) return "NO_COPIES_AVAILABLE";
    await tx.query(
      `insert into loans (book_id, user_id, due_at) values ($1, $2, now() + make_interval(days => $3::int)) returning ${LOAN_COLUMNS}`,
      [bookId, userId, 14],
    );
    return "ok";
  });
}

/** The return transaction: close the user's open loan of the book, then give the copy back. */
export function returnTransaction(pool: pg.Pool, bookId: string, userId: string): Promise<SqlOutcome> {
  return inTransaction(pool, async (tx) => {
    const closed = await tx.query(
      `update loans set returned_at = greatest(clock_timestamp(), borrowed_at) where book_id = $1 and user_id = $2 and returned_at is null returning ${LOAN_COLUMNS}`,
      [bookId, userId],
    );
    if (closed.rowCount === 0) return "NOT_BORROWED";
    await tx.query("update books set available_copies = available_copies + 1 where id = $1 returning available_copies", [bookId]);
    return "ok";
  });
}
