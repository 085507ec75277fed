import type { Executor } from "@lms/platform";
import type { Loan } from "../domain/loan.js";

export interface LoanRow {
  id: string;
  book_id: string;
  user_id: string;
  borrowed_at: Date;
  due_at: Date;
  returned_at: Date | null;
  copy_id: string | null;
  barcode: string | null;
  renewal_count: number;
  /** borrowed_at with microseconds, as the paging cursor needs it. */
  sort_at: string;
}

/** The columns of a loan, its copy's barcode included; valid wherever the table is named `loans`. */
export const LOAN_COLUMNS = `loans.id, loans.book_id, loans.user_id, loans.borrowed_at, loans.due_at, loans.returned_at,
  loans.copy_id, (select c.barcode from copies c where c.id = loans.copy_id) as barcode, loans.renewal_count,
  to_char(loans.borrowed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as sort_at`;

/** Row → domain loan (the one mapping at this border). */
export function rowToLoan(row: LoanRow): Loan {
  return {
    id: row.id,
    bookId: row.book_id,
    userId: row.user_id,
    borrowedAt: row.borrowed_at,
    dueAt: row.due_at,
    returnedAt: row.returned_at ?? undefined,
    copyId: row.copy_id ?? "",
    barcode: row.barcode ?? "",
    renewalCount: row.renewal_count,
  };
}

/**
 * Serialises every borrow of one user until the transaction ends, so the open-loan count a
 * borrow checks cannot change under it (MAX_ACTIVE_LOANS holds however many borrows race).
 */
export async function lockBorrower(tx: Executor, userId: string): Promise<void> {
  await tx.query("select pg_advisory_xact_lock(hashtext('lms.loans.user'), hashtext($1))", [userId]);
}

/** A borrower's open loans as lending weighs them (DESIGN.md §8). */
export interface Standing {
  openLoans: number;
  /** Open loans due more than `overdueBlockDays` days ago. */
  overdueLoans: number;
  /** One of them is a loan of this book. */
  alreadyBorrowed: boolean;
}

/** The borrower's standing before a lend of `bookId`, in one read of their open loans. */
export async function standingOf(db: Executor, userId: string, bookId: string, overdueBlockDays: number): Promise<Standing> {
  const { rows } = await db.query<Standing>(
    `select count(*)::int as "openLoans",
            count(*) filter (where due_at < now() - make_interval(days => $3::int))::int as "overdueLoans",
            coalesce(bool_or(book_id = $2), false) as "alreadyBorrowed"
       from loans where user_id = $1 and returned_at is null`,
    [userId, bookId, overdueBlockDays],
  );
  return rows[0];
}

/** Name of the partial unique index behind "one open loan per user and book" (migration 0002). */
export const ONE_OPEN_PER_USER_BOOK = "loans_one_open_per_user_book";

/** The statement that marks one available copy of book $1 on loan and opens a loan of it for user $2, due in $3 days. */
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

/** What a lend found: no copy by the counter, a loan, or a counter taken whose copy this statement could not see. */
export type LendOutcome = { lent: false } | { lent: true; loan: Loan | undefined; availableCopies: number };

/**
 * Lends any available copy of the book, in one statement: takes one from the book's counter
 * (only if available_copies > 0; this locks the book row first, as every change to a book's
 * copies does), marks one available copy on loan (`for update skip locked`: never waits on a
 * copy another transaction holds) and opens the loan on it, due `loanDays` days from now. The
 * partial unique indexes refuse a second open loan of the user and book, or of the copy.
 *
 * The copies are read in the statement's snapshot, taken before it waited for the book row: a
 * copy added meanwhile is not seen. Then the counter is taken but `loan` is undefined, and
 * {@link openLoanOnCopyOfLockedBook} (a new statement, a new snapshot) finishes the lend.
 */
export async function openLoanOnAvailableCopy(tx: Executor, bookId: string, userId: string, loanDays: number): Promise<LendOutcome> {
  const { rows } = await tx.query<Partial<LoanRow> & { available_copies: number }>(
    `with book as (
       update books set available_copies = available_copies - 1 where id = $1 and available_copies > 0 returning available_copies
     ), ${LEND_ANY_COPY}
     select opened.*, book.available_copies from book left join opened on true`,
    [bookId, userId, loanDays],
  );
  if (!rows[0]) return { lent: false };
  return { lent: true, loan: rows[0].id ? rowToLoan(rows[0] as LoanRow) : undefined, availableCopies: rows[0].available_copies };
}

/**
 * Opens the loan on any available copy of a book whose row this transaction has locked and
 * whose counter it has already taken one from; undefined if none is available.
 */
export async function openLoanOnCopyOfLockedBook(
  tx: Executor,
  bookId: string,
  userId: string,
  loanDays: number,
): Promise<Loan | undefined> {
  const { rows } = await tx.query<LoanRow>(`with book as (select 1), ${LEND_ANY_COPY} select * from opened`, [bookId, userId, loanDays]);
  return rows[0] && rowToLoan(rows[0]);
}

/**
 * Closes the user's open loan of the book, exactly once: the UPDATE locks the row, so of
 * racing returns one closes it and the others find no open loan. Undefined when none was open.
 * The return time is the clock's, not now(): now() is when this transaction began, which can be
 * before a racing borrow's transaction began and so before the loan's borrowed_at.
 */
export async function closeOpenLoan(tx: Executor, bookId: string, userId: string): Promise<Loan | undefined> {
  const { rows } = await tx.query<LoanRow>(
    `update loans set returned_at = greatest(clock_timestamp(), borrowed_at) where book_id = $1 and user_id = $2 and returned_at is null returning ${LOAN_COLUMNS}`,
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
      `select ${LOAN_COLUMNS} from loans where ${where}
         and ($3::timestamptz is null or (borrowed_at, id) < ($3::timestamptz, $4::uuid))
       order by borrowed_at desc, id desc limit $5`,
      [...filterParams, after?.[0] ?? null, after?.[1] ?? null, limit],
    ),
    db.query<{ n: number }>(`select count(*)::int as n from loans where ${where}`, filterParams),
  ]);
  return { rows: page.rows.map((r) => ({ loan: rowToLoan(r), sortKey: [r.sort_at, r.id] })), total: count.rows[0].n };
}
