import type pg from "pg";
import { returnTransaction } from "./circulation-sql.js";

/** What one check of the circulation invariants found. */
export interface InvariantCheck {
  label: string;
  booksChecked: number;
  /** Books where available_copies ≠ total_copies − open loans, or the counters ≠ what the copies say. */
  mismatched: number;
  /** Books with available_copies < 0 or > total_copies (the CHECK constraint should make this impossible). */
  outOfRange: number;
  /** Users holding two open loans of one book, or copies on two open loans (partial unique indexes should make both impossible). */
  duplicateOpenLoans: number;
}

/**
 * Checks, in one statement (one snapshot, so concurrent transactions cannot tear it), that
 * every book in `bookIds` has available = total − open loans = its available copies, its open
 * loans = its copies on loan, within 0..total, and that no user holds a book twice nor any copy
 * is on two open loans.
 */
export async function checkInvariants(db: pg.Pool, label: string, bookIds: readonly string[]): Promise<InvariantCheck> {
  const { rows } = await db.query<{ checked: number; mismatched: number; out_of_range: number; duplicates: number }>(
    `with open as (
       select book_id, count(*)::int as n, count(distinct user_id)::int as users, count(distinct copy_id)::int as copies
         from loans where returned_at is null and book_id = any($1::uuid[]) group by book_id),
     items as (
       select book_id, count(*) filter (where status = 'available')::int as available,
              count(*) filter (where status = 'on_loan')::int as on_loan
         from copies where book_id = any($1::uuid[]) group by book_id)
     select count(*)::int as checked,
            count(*) filter (where b.available_copies <> b.total_copies - coalesce(o.n, 0)
                               or b.available_copies <> coalesce(i.available, 0)
                               or coalesce(o.n, 0) <> coalesce(i.on_loan, 0))::int as mismatched,
            count(*) filter (where b.available_copies < 0 or b.available_copies > b.total_copies)::int as out_of_range,
            coalesce(sum(o.n - least(o.users, o.copies)), 0)::int as duplicates
       from books b left join open o on o.book_id = b.id left join items i on i.book_id = b.id
      where b.id = any($1::uuid[])`,
    [bookIds],
  );
  const r = rows[0];
  return { label, booksChecked: r.checked, mismatched: r.mismatched, outOfRange: r.out_of_range, duplicateOpenLoans: r.duplicates };
}

/** True when nothing is wrong. */
export function holds(c: InvariantCheck): boolean {
  return c.mismatched === 0 && c.outOfRange === 0 && c.duplicateOpenLoans === 0;
}

/**
 * Returns every loan still open for `userIds` (a run ends between a borrow and its return),
 * with the same transaction ReturnBook runs, so the next run starts with no loans held.
 * Returns how many were closed.
 */
export async function returnOpenLoans(db: pg.Pool, userIds: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ book_id: string; user_id: string }>(
    "select book_id, user_id from loans where returned_at is null and user_id = any($1::uuid[])",
    [userIds],
  );
  for (const r of rows) await returnTransaction(db, r.book_id, r.user_id);
  return rows.length;
}

/** One line per label (a scenario over one transport): how many checks, and every violation summed. */
export function formatChecks(checks: readonly InvariantCheck[]): string {
  const groups = new Map<string, InvariantCheck[]>();
  for (const c of checks) groups.set(c.label, [...(groups.get(c.label) ?? []), c]);
  return [...groups]
    .map(([label, list]) => {
      const sum = (f: (c: InvariantCheck) => number) => list.reduce((n, c) => n + f(c), 0);
      const ok = list.every(holds);
      return (
        `${ok ? "ok  " : "FAIL"} ${label}: ${list.length} checks of ${Math.max(...list.map((c) => c.booksChecked))} books; ` +
        `counters ≠ loans or copies: ${sum((c) => c.mismatched)}, outside 0..total: ${sum((c) => c.outOfRange)}, ` +
        `duplicate open loans: ${sum((c) => c.duplicateOpenLoans)}`
      );
    })
    .join("\n");
}
