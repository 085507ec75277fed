import type { Executor } from "@lms/platform";
import type { Copy, CopyStatus } from "../domain/copy.js";

/**
 * A book's copies (items with barcodes) and the counters on its row, which every change of
 * copies moves in the same transaction: total_copies = copies available or on loan,
 * available_copies = copies available. Lock order, so that writers never deadlock: the book row
 * first, then its copies (lending takes a copy with `skip locked`, so it never waits on one).
 */

interface CopyRow {
  id: string;
  book_id: string;
  barcode: string;
  status: CopyStatus;
  created_at: Date;
  updated_at: Date;
  version: string;
}

/** A copy's columns as {@link rowToCopy} reads them, of the table or of its alias `c` (`version`: `updated_at` in microseconds). */
export function copyColumns(alias = ""): string {
  const c = alias ? `${alias}.` : "";
  return `${c}id, ${c}book_id, ${c}barcode, ${c}status, ${c}created_at, ${c}updated_at, (extract(epoch from ${c}updated_at) * 1000000)::bigint::text as version`;
}

export const COPY_COLUMNS = copyColumns();

/** Row → domain copy (the one mapping at this border). */
export function rowToCopy(row: CopyRow): Copy {
  return {
    id: row.id,
    bookId: row.book_id,
    barcode: row.barcode,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** The book's loan type (which, with the borrower's patron group, picks the loan policy); undefined when no such book. */
export async function loanTypeOf(db: Executor, bookId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ loan_type: string }>("select loan_type from books where id = $1", [bookId]);
  return rows[0]?.loan_type;
}

/** True when a book with that id exists. */
export async function bookExists(db: Executor, bookId: string): Promise<boolean> {
  const { rowCount } = await db.query("select 1 from books where id = $1", [bookId]);
  return (rowCount ?? 0) > 0;
}

/** Every copy of the book, oldest first (copies added together in barcode order). */
export async function listCopiesOfBook(db: Executor, bookId: string): Promise<Copy[]> {
  const { rows } = await db.query<CopyRow>(`select ${COPY_COLUMNS} from copies where book_id = $1 order by created_at, upper(barcode)`, [
    bookId,
  ]);
  return rows.map(rowToCopy);
}

/** The copy with `id`, or undefined. */
export async function findCopy(db: Executor, id: string): Promise<Copy | undefined> {
  const { rows } = await db.query<CopyRow>(`select ${COPY_COLUMNS} from copies where id = $1`, [id]);
  return rows[0] && rowToCopy(rows[0]);
}

/** Locks the copy until the transaction ends (take its book's row first) and returns it as it is now. */
export async function lockCopy(tx: Executor, id: string): Promise<Copy | undefined> {
  const { rows } = await tx.query<CopyRow>(`select ${COPY_COLUMNS} from copies where id = $1 for update`, [id]);
  return rows[0] && rowToCopy(rows[0]);
}

/**
 * Adds `count` available copies with generated barcodes ('C' + 11 digits, the column's default).
 * A generated value someone already gave by hand is skipped, not an error: the next is taken.
 * Moves no counter (see {@link moveCounters}).
 */
export async function insertGeneratedCopies(tx: Executor, bookId: string, count: number): Promise<Copy[]> {
  const added: Copy[] = [];
  while (added.length < count) {
    const { rows } = await tx.query<CopyRow>(
      `insert into copies (book_id) select $1::uuid from generate_series(1, $2::int)
       on conflict ((upper(barcode))) do nothing returning ${COPY_COLUMNS}`,
      [bookId, count - added.length],
    );
    added.push(...rows.map(rowToCopy));
  }
  return added.sort((a, b) => a.barcode.localeCompare(b.barcode));
}

/**
 * Adds one available copy per barcode, in the given order, except those whose barcode is taken
 * (case-insensitively): those are left out of the answer, and the caller decides. Moves no counter.
 */
export async function insertCopiesUnlessTaken(tx: Executor, bookId: string, barcodes: readonly string[]): Promise<Copy[]> {
  const { rows } = await tx.query<CopyRow>(
    `insert into copies (book_id, barcode) select $1::uuid, b from unnest($2::text[]) with ordinality as t(b, i) order by i
     on conflict ((upper(barcode))) do nothing returning ${COPY_COLUMNS}`,
    [bookId, barcodes],
  );
  const byBarcode = new Map(rows.map((r) => [r.barcode.toUpperCase(), rowToCopy(r)]));
  return barcodes.flatMap((b) => byBarcode.get(b.toUpperCase()) ?? []);
}

/** Sets a (locked) copy's status. */
export async function setCopyStatus(tx: Executor, id: string, status: CopyStatus): Promise<Copy> {
  const { rows } = await tx.query<CopyRow>(`update copies set status = $2, updated_at = now() where id = $1 returning ${COPY_COLUMNS}`, [
    id,
    status,
  ]);
  return rowToCopy(rows[0]);
}

/**
 * Withdraws `count` available copies of the book, newest first; returns how many it withdrew
 * (fewer when fewer are on the shelf). Moves no counter.
 */
export async function withdrawAvailableCopies(tx: Executor, bookId: string, count: number): Promise<number> {
  const { rowCount } = await tx.query(
    `update copies set status = 'withdrawn', updated_at = now()
      where id in (select id from copies where book_id = $1 and status = 'available'
                    order by created_at desc, upper(barcode) desc limit $2 for update)`,
    [bookId, count],
  );
  return rowCount ?? 0;
}

/**
 * Moves the book's counters by the copies just added or changed; a change of total_copies is a
 * change of the book (updated_at). The CHECK of migration 0001 refuses any result outside
 * 0 ≤ available ≤ total ≤ 10 000. Returns the new counters.
 */
export async function moveCounters(
  tx: Executor,
  bookId: string,
  totalDelta: number,
  availableDelta: number,
): Promise<{ totalCopies: number; availableCopies: number }> {
  const { rows } = await tx.query<{ total_copies: number; available_copies: number }>(
    `update books set total_copies = total_copies + $2, available_copies = available_copies + $3,
            updated_at = case when $2 <> 0 then now() else updated_at end
      where id = $1 returning total_copies, available_copies`,
    [bookId, totalDelta, availableDelta],
  );
  return { totalCopies: rows[0].total_copies, availableCopies: rows[0].available_copies };
}

/**
 * Puts a lent copy back on the shelf after its loan was closed, in one statement that takes the
 * book row first (lock order) and then the copy. Returns the copies now on the shelf, or
 * undefined if the copy was not on loan (the caller must roll back: the counter moved).
 */
export async function giveCopyBack(tx: Executor, bookId: string, copyId: string): Promise<number | undefined> {
  const { rows } = await tx.query<{ available_copies: number; returned: number }>(
    `with book as (
       update books set available_copies = available_copies + 1 where id = $1 returning available_copies
     ), copy as (
       update copies set status = 'available', updated_at = now()
        where id = $2 and book_id = $1 and status = 'on_loan' and exists (select from book)
       returning id
     )
     select book.available_copies, (select count(*) from copy)::int as returned from book`,
    [bookId, copyId],
  );
  return rows[0]?.returned === 1 ? rows[0].available_copies : undefined;
}
