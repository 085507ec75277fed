import { randomUUID } from "node:crypto";
import {
  alreadyExists,
  checkAll,
  type Executor,
  etagOf,
  failedPrecondition,
  inTransaction,
  isUniqueViolation,
  notFound,
  requireIfMatch,
  requireUuid,
  unavailable,
} from "@lms/platform";
import type pg from "pg";
import * as repo from "../store/book.repository.js";
import * as links from "../store/category-link.repository.js";
import type { Book, BookFields } from "./book.js";
import { type MaybeDegraded, withCategories } from "./book-categories.js";
import { validateBookFields, validateBookPatch } from "./book-fields.js";
import { type LinkSync, writeWithLinks } from "./linked-write.js";
import type { AuthorDirectory, CategoryDirectory } from "./ports.js";

/** The peers of the catalogue, the log, and the reconciler that finishes uncertain link writes. */
export interface CatalogueDeps extends LinkSync {
  authors: AuthorDirectory;
  categories: CategoryDirectory;
}

/**
 * Adds a book: the author must exist (asked first, so nothing is written when the author
 * service is down), then the book, its desired category set and its links are written together
 * (linked-write.ts): all of them, or none and UNAVAILABLE / the category service's refusal.
 * `bearer` is the caller's token, forwarded to the category service.
 */
export async function createBook(pool: pg.Pool, deps: CatalogueDeps, input: BookFields, bearer: string): Promise<Book> {
  const { categoryIds, ...fields } = validateBookFields(input);
  await requireAuthor(deps.authors, fields.authorId);
  const id = randomUUID();
  const insert = async (tx: pg.PoolClient) => {
    const book = { ...(await repo.insertBook(tx, id, fields)), categoryIds };
    await links.saveCategorySet(tx, id, categoryIds);
    return book;
  };
  const written =
    categoryIds.length === 0
      ? inTransaction(pool, insert)
      : writeWithLinks(pool, deps, id, bearer, async (tx) => ({ result: await insert(tx), links: categoryIds }));
  return written.catch(duplicateIsbnAsConflict(fields.isbn));
}

/** One book with its category ids (one call to the category service, or the recorded set if it is away). */
export async function getBook(db: Executor, categories: CategoryDirectory, id: string): Promise<MaybeDegraded<Book>> {
  const book = await repo.findBook(db, requireUuid("id", id));
  if (!book) throw notFound("book", id);
  const { value, degraded } = await withCategories(db, categories, [book]);
  return { value: value[0], degraded };
}

/**
 * The ETag of this version of the book: its row version and its copies on the shelf (a borrow
 * changes those without touching `updated_at`). Category links changed by the category service
 * alone (a category deleted) do not change it.
 */
export function bookEtag(book: Book): string {
  return etagOf(book.id, book.version, book.availableCopies);
}

/** Replaces the writable fields, category set included (see `writeBook`). */
export async function updateBook(
  pool: pg.Pool,
  deps: CatalogueDeps,
  id: string,
  input: BookFields,
  bearer: string,
  ifMatch?: string | null,
): Promise<Book> {
  const { checkedId, fields } = checkAll({ checkedId: () => requireUuid("id", id), fields: () => validateBookFields(input) });
  return writeBook(pool, deps, checkedId, fields, bearer, ifMatch);
}

/** Changes only the fields in `patch` (AIP-134), validating only those (see `writeBook`). */
export async function patchBook(
  pool: pg.Pool,
  deps: CatalogueDeps,
  id: string,
  patch: Partial<BookFields>,
  bearer: string,
  ifMatch?: string | null,
): Promise<Book> {
  const { checkedId, fields } = checkAll({ checkedId: () => requireUuid("id", id), fields: () => validateBookPatch(patch) });
  return writeBook(pool, deps, checkedId, fields, bearer, ifMatch);
}

/**
 * Writes `patch` over the book (a full set of fields for UpdateBook). The row stays locked
 * throughout, so the If-Match check (against the current ETag), the copies check and the update
 * see the same row and loans; a new author must exist; the book and its links change together
 * (linked-write.ts).
 */
async function writeBook(
  pool: pg.Pool,
  deps: CatalogueDeps,
  id: string,
  patch: Partial<BookFields>,
  bearer: string,
  ifMatch: string | null | undefined,
): Promise<Book> {
  await recordLinksOfOlderBook(pool, deps.categories, id);
  let isbn = patch.isbn ?? "";
  return writeWithLinks(pool, deps, id, bearer, async (tx) => {
    const current = await repo.lockBook(tx, id);
    if (!current) throw notFound("book", id);
    requireIfMatch(ifMatch, bookEtag(current), `book ${id}`);
    const before = (await links.findCategorySets(tx, [id])).get(id) ?? [];
    const { categoryIds, totalCopies, ...details } = { ...writableOf(current), categoryIds: before, ...patch };
    isbn = details.isbn;
    if (current.authorId !== details.authorId) await requireAuthor(deps.authors, details.authorId);
    if (!(await repo.setTotalCopiesKeepingLoans(tx, id, totalCopies))) throw copiesBelowOnLoan(current, totalCopies);
    const updated = await repo.updateBookDetails(tx, id, details);
    if (!updated) throw notFound("book", id);
    await links.saveCategorySet(tx, id, categoryIds);
    const unlinked = before.length === 0 && categoryIds.length === 0;
    return { result: { ...updated, categoryIds }, links: unlinked ? undefined : categoryIds };
  }).catch((err: unknown) => duplicateIsbnAsConflict(isbn)(err));
}

/** The stored writable fields of a book (its category set is read separately). */
function writableOf(b: Book): Omit<BookFields, "categoryIds"> {
  const { title, isbn, authorId, publisher, publishedYear, language, description, totalCopies } = b;
  return { title, isbn, authorId, publisher, publishedYear, language, description, totalCopies };
}

/**
 * Deletes a book and its category links, unless a copy is on loan. The row is locked first, so
 * no borrow can slip in between the check and the delete; the book and its links go together
 * (linked-write.ts).
 */
export async function deleteBook(pool: pg.Pool, deps: CatalogueDeps, id: string, bearer: string, ifMatch?: string | null): Promise<void> {
  const checkedId = requireUuid("id", id);
  await writeWithLinks(pool, deps, checkedId, bearer, async (tx) => {
    const current = await repo.lockBook(tx, checkedId);
    if (!current) throw notFound("book", id);
    requireIfMatch(ifMatch, bookEtag(current), `book ${id}`);
    if (await repo.hasOpenLoans(tx, checkedId)) {
      throw failedPrecondition("BOOK_HAS_OPEN_LOANS", `book ${checkedId} has copies on loan`, { bookId: checkedId });
    }
    await repo.deleteBook(tx, checkedId);
    return { result: undefined, links: [] };
  });
}

/** Number of books naming the author (asked by the author service before it deletes one). */
export async function countAuthorBooks(db: Executor, authorId: string): Promise<number> {
  return repo.countBooksByAuthor(db, requireUuid("authorId", authorId));
}

async function requireAuthor(authors: AuthorDirectory, authorId: string): Promise<void> {
  if (!(await authors.existingAuthorIds([authorId])).has(authorId)) throw notFound("author", authorId);
}

/**
 * A book written before its category set was recorded here (migration 0007) gets the set the
 * category service holds now, once, so a write that fails later can be put back to it.
 */
async function recordLinksOfOlderBook(pool: pg.Pool, categories: CategoryDirectory, bookId: string): Promise<void> {
  if ((await links.findDesiredLinks(pool, bookId)).categoryIds !== undefined) return;
  const answer = await categories.categoriesOf([bookId]);
  if (!answer.available) throw unavailable("category service unavailable: the book's current categories cannot be read");
  const current = answer.value.get(bookId) ?? [];
  await links.saveCategorySet(pool, bookId, current);
}

function copiesBelowOnLoan(current: Book, requested: number) {
  const onLoan = current.totalCopies - current.availableCopies;
  return failedPrecondition("COPIES_BELOW_ON_LOAN", `totalCopies ${requested} is below the ${onLoan} copies on loan`, {
    bookId: current.id,
    totalCopies: String(requested),
    onLoan: String(onLoan),
  });
}

/** Turns the ISBN unique violation into ALREADY_EXISTS; anything else passes through. */
function duplicateIsbnAsConflict(isbn: string) {
  return (err: unknown): never => {
    if (isUniqueViolation(err, repo.ISBN_KEY)) throw alreadyExists(`a book with ISBN ${isbn} already exists`);
    throw err;
  };
}
