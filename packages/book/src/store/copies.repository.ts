import type { Executor } from "@lms/platform";

/**
 * The copy counter of books, as circulation moves it. Each statement is one conditional
 * UPDATE, so concurrent borrows and returns can never push available_copies outside
 * 0..total_copies (the CHECK constraint is the last line of defence, not the first).
 */

/** Takes one copy if one is on the shelf; returns the copies left, or undefined if none was available. */
export async function takeCopyIfAvailable(tx: Executor, bookId: string): Promise<number | undefined> {
  const { rows } = await tx.query<{ available_copies: number }>(
    "update books set available_copies = available_copies - 1 where id = $1 and available_copies > 0 returning available_copies",
    [bookId],
  );
  return rows[0]?.available_copies;
}

/** Puts one copy back (only ever after closing a loan of it); returns the copies on the shelf. */
export async function giveCopyBack(tx: Executor, bookId: string): Promise<number> {
  const { rows } = await tx.query<{ available_copies: number }>(
    "update books set available_copies = available_copies + 1 where id = $1 returning available_copies",
    [bookId],
  );
  return rows[0].available_copies;
}

/** True when a book with that id exists. */
export async function bookExists(db: Executor, bookId: string): Promise<boolean> {
  const { rowCount } = await db.query("select 1 from books where id = $1", [bookId]);
  return (rowCount ?? 0) > 0;
}
