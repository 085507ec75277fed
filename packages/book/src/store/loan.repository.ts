import type { Executor } from "@lms/platform";
import type { Loan } from "../domain/loan.js";

interface LoanRow {
  id: string;
  book_id: string;
  user_id: string;
  borrowed_at: Date;
  due_at: Date;
  returned_at: Date | null;
  /** borrowed_at with microseconds, as the paging cursor needs it. */
  sort_at: string;
}

const COLUMNS = `id, book_id, user_id, borrowed_at, due_at, returned_at,
  to_char(borrowed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as sort_at`;

function rowToLoan(row: LoanRow): Loan {
  return {
    id: row.id,
    bookId: row.book_id,
    userId: row.user_id,
    borrowedAt: row.borrowed_at,
    dueAt: row.due_at,
    returnedAt: row.returned_at ?? undefined,
  };
}

/**
 * Serialises every borrow of one user until the transaction ends, so the open-loan count a
 * borrow checks cannot change under it (MAX_ACTIVE_LOANS holds however many borrows race).
 */
export async function lockBorrower(tx: Executor, userId: string): Promise<void> {
  await tx.query("select pg_advisory_xact_lock(hashtext('lms.loans.user'), hashtext($1))", [userId]);
}

/** Number of open loans of a user. */
export async function countOpenLoansOfUser(db: Executor, userId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>("select count(*)::int as n from loans where user_id = $1 and returned_at is null", [
    userId,
  ]);
  return rows[0].n;
}

/** True when the user holds an open loan of the book. */
export async function hasOpenLoan(db: Executor, bookId: string, userId: string): Promise<boolean> {
  const { rowCount } = await db.query("select 1 from loans where book_id = $1 and user_id = $2 and returned_at is null", [bookId, userId]);
  return (rowCount ?? 0) > 0;
}

/** Opens a loan due `loanDays` days from now. The partial unique index refuses a second open loan. */
export async function insertOpenLoan(tx: Executor, bookId: string, userId: string, loanDays: number): Promise<Loan> {
  const { rows } = await tx.query<LoanRow>(
    `insert into loans (book_id, user_id, due_at) values ($1, $2, now() + make_interval(days => $3::int)) returning ${COLUMNS}`,
    [bookId, userId, loanDays],
  );
  return rowToLoan(rows[0]);
}

/**
 * Closes the user's open loan of the book, exactly once: the UPDATE locks the row, so of
 * racing returns one closes it and the others find no open loan. Undefined when none was open.
 * The return time is the clock's, not now(): now() is when this transaction began, which can be
 * before a racing borrow's transaction began and so before the loan's borrowed_at.
 */
export async function closeOpenLoan(tx: Executor, bookId: string, userId: string): Promise<Loan | undefined> {
  const { rows } = await tx.query<LoanRow>(
    `update loans set returned_at = greatest(clock_timestamp(), borrowed_at) where book_id = $1 and user_id = $2 and returned_at is null returning ${COLUMNS}`,
    [bookId, userId],
  );
  return rows[0] && rowToLoan(rows[0]);
}

/** Filters of ListLoans; empty strings mean "any". */
export interface LoanFilter {
  userId: string;
  bookId: string;
  status: "" | "open" | "returned" | "overdue";
}

const STATUS_SQL: Record<LoanFilter["status"], string> = {
  "": "true",
  open: "returned_at is null",
  returned: "returned_at is not null",
  overdue: "returned_at is null and due_at < now()",
};

/** A page of loans, newest first, after the cursor (sortAt, id), with the count of all matches. */
export async function listLoans(
  db: Executor,
  filter: LoanFilter,
  after: [string, string] | undefined,
  limit: number,
): Promise<{ rows: { loan: Loan; sortKey: [string, string] }[]; total: number }> {
  const where = `($1::uuid is null or user_id = $1) and ($2::uuid is null or book_id = $2) and ${STATUS_SQL[filter.status]}`;
  const filterParams = [filter.userId || null, filter.bookId || null];
  const [page, count] = await Promise.all([
    db.query<LoanRow>(
      `select ${COLUMNS} from loans where ${where}
         and ($3::timestamptz is null or (borrowed_at, id) < ($3::timestamptz, $4::uuid))
       order by borrowed_at desc, id desc limit $5`,
      [...filterParams, after?.[0] ?? null, after?.[1] ?? null, limit],
    ),
    db.query<{ n: number }>(`select count(*)::int as n from loans where ${where}`, filterParams),
  ]);
  return { rows: page.rows.map((r) => ({ loan: rowToLoan(r), sortKey: [r.sort_at, r.id] })), total: count.rows[0].n };
}
