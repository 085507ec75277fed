import { randomUUID } from "node:crypto";
import {
  alreadyExists,
  checkAll,
  type Executor,
  etagOf,
  failedPrecondition,
  isUniqueViolation,
  notFound,
  requireIfMatch,
  requireUuid,
  type Transaction,
  unavailable,
} from "@lms/platform";
import * as repo from "../store/book.repository.js";
import * as links from "../store/category-link.repository.js";
import * as copies from "../store/copies.repository.js";
import type { Book, BookFields } from "./book.js";
import { type MaybeDegraded, withCategories } from "./book-categories.js";
import { validateBookFields, validateBookPatch } from "./book-fields.js";
import { setTotalCopies } from "./copy.service.js";
import { type LinkSync, sendLinksBeforeCommit, takeLinkTurn } from "./linked-write.js";
import type { AuthorDirectory, CategoryDirectory } from "./ports.js";

/** The peers of the catalogue, the log, and the reconciler that finishes uncertain link writes. */
export interface CatalogueDeps extends LinkSync {
  authors: AuthorDirectory;
  categories: CategoryDirectory;
}

/** A new book that passed its checks, with the id it will be stored under. */
export interface NewBook {
  id: string;
  fields: Omit<BookFields, "categoryIds">;
  categoryIds: string[];
}

/**
 * Checks a new book before its transaction: valid fields, and an existing author (asked first,
 * so nothing is written when the author service is down).
 */
export async function checkNewBook(authors: AuthorDirectory, input: BookFields): Promise<NewBook> {
  const { categoryIds, ...fields } = validateBookFields(input);
  await requireAuthor(authors, fields.authorId);
  return { id: randomUUID(), fields, categoryIds };
}

/** True when storing the new book also links it in the category service: a linked write (linked-write.ts). */
export function linksNewBook(book: NewBook): boolean {
  return book.categoryIds.length > 0;
}

/**
 * Adds a checked book in `tx`: the book, its copies (generated barcodes, all on the shelf), its
 * desired category set and, for a linked write, its links (linked-write.ts): all of them, or
 * none and UNAVAILABLE / the category service's refusal. `bearer` is the caller's token,
 * forwarded to the category service.
 */
export async function createBook(tx: Transaction, deps: CatalogueDeps, book: NewBook, bearer: string): Promise<Book> {
  const { id, fields, categoryIds } = book;
  if (linksNewBook(book)) await takeLinkTurn(tx, id);
  const created = { ...(await repo.insertBook(tx, id, fields).catch(duplicateIsbnAsConflict(fields.isbn))), categoryIds };
  await copies.insertGeneratedCopies(tx, id, fields.totalCopies);
  await links.saveCategorySet(tx, id, categoryIds);
  if (linksNewBook(book)) sendLinksBeforeCommit(tx, deps, id, categoryIds, bearer);
  return created;
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

/** A checked change to a book: its id and the fields to write over it. */
export interface BookChange {
  id: string;
  patch: Partial<BookFields>;
}

/** Checks a full replace of the writable fields, category set included, before its transaction (see `writeBook`). */
export async function checkBookUpdate(db: Executor, categories: CategoryDirectory, id: string, input: BookFields): Promise<BookChange> {
  const { checkedId, fields } = checkAll({ checkedId: () => requireUuid("id", id), fields: () => validateBookFields(input) });
  await recordLinksOfOlderBook(db, categories, checkedId);
  // A PUT without loanType keeps the book's: clients that predate loan types must not reset it.
  const patch: Partial<BookFields> = { ...fields };
  if (input.loanType.trim() === "") delete patch.loanType;
  return { id: checkedId, patch };
}

/** Checks a change of only the fields in `patch` (AIP-134), validating only those (see `writeBook`). */
export async function checkBookPatch(
  db: Executor,
  categories: CategoryDirectory,
  id: string,
  patch: Partial<BookFields>,
): Promise<BookChange> {
  const { checkedId, fields } = checkAll({ checkedId: () => requireUuid("id", id), fields: () => validateBookPatch(patch) });
  await recordLinksOfOlderBook(db, categories, checkedId);
  return { id: checkedId, patch: fields };
}

/**
 * Writes a checked change over the book in `tx`, a linked write (linked-write.ts). The row stays
 * locked throughout, so the If-Match check (against the current ETag), the copies check and the
 * update see the same row and loans; a new author must exist; the book and its links change
 * together.
 */
export async function writeBook(
  tx: Transaction,
  deps: CatalogueDeps,
  change: BookChange,
  bearer: string,
  ifMatch: string | null | undefined,
): Promise<Book> {
  const { id, patch } = change;
  await takeLinkTurn(tx, id);
  const current = await repo.lockBook(tx, id);
  if (!current) throw notFound("book", id);
  requireIfMatch(ifMatch, bookEtag(current), `book ${id}`);
  const before = (await links.findCategorySets(tx, [id])).get(id) ?? [];
  const { categoryIds, totalCopies, ...details } = { ...writableOf(current), categoryIds: before, ...patch };
  if (current.authorId !== details.authorId) await requireAuthor(deps.authors, details.authorId);
  await setTotalCopies(tx, current, totalCopies);
  const updated = await repo.updateBookDetails(tx, id, details).catch(duplicateIsbnAsConflict(details.isbn));
  if (!updated) throw notFound("book", id);
  await links.saveCategorySet(tx, id, categoryIds);
  const unlinked = before.length === 0 && categoryIds.length === 0;
  sendLinksBeforeCommit(tx, deps, id, unlinked ? undefined : categoryIds, bearer);
  return { ...updated, categoryIds };
}

/** The stored writable fields of a book (its category set is read separately). */
function writableOf(b: Book): Omit<BookFields, "categoryIds"> {
  const { title, isbn, authorId, publisher, publishedYear, language, description, totalCopies, loanType } = b;
  return { title, isbn, authorId, publisher, publishedYear, language, description, totalCopies, loanType };
}

/** The id of the book a call names, checked before its transaction. */
export function checkBookId(id: string): string {
  return requireUuid("id", id);
}

/**
 * Deletes a book and its category links in `tx`, unless a copy is on loan: a linked write
 * (linked-write.ts) of a checked id. The row is locked first, so no borrow can slip in between
 * the check and the delete; the book and its links go together.
 */
export async function deleteBook(tx: Transaction, deps: CatalogueDeps, id: string, bearer: string, ifMatch?: string | null): Promise<void> {
  await takeLinkTurn(tx, id);
  const current = await repo.lockBook(tx, id);
  if (!current) throw notFound("book", id);
  requireIfMatch(ifMatch, bookEtag(current), `book ${id}`);
  if (await repo.hasOpenLoans(tx, id)) {
    throw failedPrecondition("BOOK_HAS_OPEN_LOANS", `book ${id} has copies on loan`, { bookId: id });
  }
  await repo.deleteBook(tx, id);
  sendLinksBeforeCommit(tx, deps, id, [], bearer);
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
async function recordLinksOfOlderBook(db: Executor, categories: CategoryDirectory, bookId: string): Promise<void> {
  if ((await links.findDesiredLinks(db, bookId)).categoryIds !== undefined) return;
  const answer = await categories.categoriesOf([bookId]);
  if (!answer.available) throw unavailable("category service unavailable: the book's current categories cannot be read");
  const current = answer.value.get(bookId) ?? [];
  await links.saveCategorySet(db, bookId, current);
}

/** Turns the ISBN unique violation into ALREADY_EXISTS; anything else passes through. */
function duplicateIsbnAsConflict(isbn: string) {
  return (err: unknown): never => {
    if (isUniqueViolation(err, repo.ISBN_KEY)) throw alreadyExists(`a book with ISBN ${isbn} already exists`);
    throw err;
  };
}
