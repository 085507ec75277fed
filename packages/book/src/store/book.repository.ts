import type { Executor } from "@lms/platform";
import type { Book, StoredBookFields } from "../domain/book.js";

export interface BookRow {
  id: string;
  title: string;
  isbn: string;
  author_id: string;
  publisher: string;
  published_year: number;
  language: string;
  description: string;
  total_copies: number;
  available_copies: number;
  created_at: Date;
  updated_at: Date;
  version: string;
  loan_type: string;
}

/** Name of the unique constraint behind "an ISBN names one book" (migration 0001). */
export const ISBN_KEY = "books_isbn_key";

export const BOOK_COLUMNS =
  "id, title, isbn, author_id, publisher, published_year, language, description, total_copies, available_copies, created_at, updated_at, loan_type, " +
  "(extract(epoch from updated_at) * 1000000)::bigint::text as version";

/** Row → domain book (the one mapping at this border); category links live in the category service. */
export function rowToBook(row: BookRow): Book {
  return {
    id: row.id,
    title: row.title,
    isbn: row.isbn,
    authorId: row.author_id,
    categoryIds: [],
    publisher: row.publisher,
    publishedYear: row.published_year,
    language: row.language,
    description: row.description,
    totalCopies: row.total_copies,
    availableCopies: row.available_copies,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    loanType: row.loan_type,
    version: row.version,
  };
}

/** Inserts a book whose counters say every copy is on the shelf, under `id` (a duplicate ISBN raises the unique violation); its copies are the caller's to add. */
export async function insertBook(db: Executor, id: string, f: StoredBookFields): Promise<Book> {
  const { rows } = await db.query<BookRow>(
    `insert into books (id, title, isbn, author_id, publisher, published_year, language, description, total_copies, available_copies, loan_type)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) returning ${BOOK_COLUMNS}`,
    [id, f.title, f.isbn, f.authorId, f.publisher, f.publishedYear, f.language, f.description, f.totalCopies, f.loanType],
  );
  return rowToBook(rows[0]);
}

/** The book with `id`, or undefined. */
export async function findBook(db: Executor, id: string): Promise<Book | undefined> {
  const { rows } = await db.query<BookRow>(`select ${BOOK_COLUMNS} from books where id = $1`, [id]);
  return rows[0] && rowToBook(rows[0]);
}

/** The books among `ids` that exist, in no particular order. */
export async function findBooks(db: Executor, ids: readonly string[]): Promise<Book[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<BookRow>(`select ${BOOK_COLUMNS} from books where id = any($1::uuid[])`, [ids]);
  return rows.map(rowToBook);
}

/**
 * Locks the book row until the transaction ends and returns it as it is now: borrows, returns,
 * updates and deletes of this book wait, so checks made under the lock stay true. Undefined when absent.
 */
export async function lockBook(db: Executor, id: string): Promise<Book | undefined> {
  const { rows } = await db.query<BookRow>(`select ${BOOK_COLUMNS} from books where id = $1 for update`, [id]);
  return rows[0] && rowToBook(rows[0]);
}

/** Replaces the descriptive fields (not the copies); undefined when absent; a taken ISBN raises the unique violation. */
export async function updateBookDetails(db: Executor, id: string, f: Omit<StoredBookFields, "totalCopies">): Promise<Book | undefined> {
  const { rows } = await db.query<BookRow>(
    `update books set title = $2, isbn = $3, author_id = $4, publisher = $5, published_year = $6, language = $7,
       description = $8, loan_type = $9, updated_at = now()
     where id = $1 returning ${BOOK_COLUMNS}`,
    [id, f.title, f.isbn, f.authorId, f.publisher, f.publishedYear, f.language, f.description, f.loanType],
  );
  return rows[0] && rowToBook(rows[0]);
}

/** True when some copy of the book is on loan (an open loan row exists). */
export async function hasOpenLoans(db: Executor, bookId: string): Promise<boolean> {
  const { rowCount } = await db.query("select 1 from loans where book_id = $1 and returned_at is null limit 1", [bookId]);
  return (rowCount ?? 0) > 0;
}

/** Deletes the book (its closed loans go with it, on delete cascade); false when absent. */
export async function deleteBook(db: Executor, id: string): Promise<boolean> {
  const { rowCount } = await db.query("delete from books where id = $1", [id]);
  return (rowCount ?? 0) > 0;
}

/** Number of books naming the author. */
export async function countBooksByAuthor(db: Executor, authorId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>("select count(*)::int as n from books where author_id = $1", [authorId]);
  return rows[0].n;
}
