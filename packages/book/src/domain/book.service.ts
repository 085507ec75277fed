import { alreadyExists, type Executor, failedPrecondition, isUniqueViolation, type Logger, notFound, requireUuid } from "@lms/platform";
import type pg from "pg";
import * as repo from "../store/book.repository.js";
import type { Book, BookFields } from "./book.js";
import { validateBookFields } from "./book-fields.js";
import type { AuthorDirectory, CategoryDirectory } from "./ports.js";
import { type RemoteChange, writeWithRemote } from "./remote-change.js";

/** The peers of the catalogue and where to report what could not be undone. */
export interface CatalogueDeps {
  authors: AuthorDirectory;
  categories: CategoryDirectory;
  log: Logger;
}

/**
 * Adds a book: the author must exist (asked first, so nothing is written when the author
 * service is down), the row is inserted, and its category links are made before COMMIT.
 * `bearer` is the caller's token, forwarded to the category service.
 */
export async function createBook(pool: pg.Pool, deps: CatalogueDeps, input: BookFields, bearer: string): Promise<Book> {
  const { categoryIds, ...fields } = validateBookFields(input);
  await requireAuthor(deps.authors, fields.authorId);
  return writeWithRemote(pool, deps.log, async (tx) => {
    const book = { ...(await repo.insertBook(tx, fields)), categoryIds };
    if (categoryIds.length === 0) return { result: book };
    const remote: RemoteChange = {
      what: `link new book ${book.id} to categories ${categoryIds.join(", ")}`,
      apply: () => deps.categories.replaceItemCategories(book.id, categoryIds, bearer),
      undo: () => deps.categories.removeItemLinks(book.id),
    };
    return { result: book, remote };
  }).catch(duplicateIsbnAsConflict(fields.isbn));
}

/** One book with its category ids (one call to the category service). */
export async function getBook(db: Executor, categories: CategoryDirectory, id: string): Promise<Book> {
  const book = await repo.findBook(db, requireUuid("id", id));
  if (!book) throw notFound("book", id);
  const links = await categories.categoriesOf([book.id]);
  return { ...book, categoryIds: links.get(book.id) ?? [] };
}

/**
 * Replaces the writable fields, category set included. The row stays locked throughout, so the
 * copies check and the update see the same loans; a new author must exist; the category set is
 * replaced last, before COMMIT, and put back as it was if the local write cannot commit.
 */
export async function updateBook(pool: pg.Pool, deps: CatalogueDeps, id: string, input: BookFields, bearer: string): Promise<Book> {
  const checkedId = requireUuid("id", id);
  const { categoryIds, totalCopies, ...details } = validateBookFields(input);
  return writeWithRemote(pool, deps.log, async (tx) => {
    const current = await repo.lockBook(tx, checkedId);
    if (!current) throw notFound("book", id);
    if (current.authorId !== details.authorId) await requireAuthor(deps.authors, details.authorId);
    if (!(await repo.setTotalCopiesKeepingLoans(tx, checkedId, totalCopies))) throw copiesBelowOnLoan(current, totalCopies);
    const updated = await repo.updateBookDetails(tx, checkedId, details);
    if (!updated) throw notFound("book", id);
    const before = await linksOf(deps.categories, checkedId);
    const remote: RemoteChange = {
      what: `replace categories of book ${checkedId} with ${categoryIds.join(", ") || "none"}`,
      apply: () => deps.categories.replaceItemCategories(checkedId, categoryIds, bearer),
      undo: () => deps.categories.replaceItemCategories(checkedId, before, bearer),
    };
    return { result: { ...updated, categoryIds }, remote: sameSet(before, categoryIds) ? undefined : remote };
  }).catch(duplicateIsbnAsConflict(details.isbn));
}

/**
 * Deletes a book and its category links, unless a copy is on loan. The row is locked first, so
 * no borrow can slip in between the check and the delete; the links go last, before COMMIT, and
 * come back if the delete cannot commit.
 */
export async function deleteBook(pool: pg.Pool, deps: CatalogueDeps, id: string, bearer: string): Promise<void> {
  const checkedId = requireUuid("id", id);
  await writeWithRemote(pool, deps.log, async (tx) => {
    if (!(await repo.lockBook(tx, checkedId))) throw notFound("book", id);
    if (await repo.hasOpenLoans(tx, checkedId)) {
      throw failedPrecondition("BOOK_HAS_OPEN_LOANS", `book ${checkedId} has copies on loan`, { bookId: checkedId });
    }
    await repo.deleteBook(tx, checkedId);
    const before = await linksOf(deps.categories, checkedId);
    const remote: RemoteChange = {
      what: `remove the category links of deleted book ${checkedId}`,
      apply: () => deps.categories.removeItemLinks(checkedId),
      undo: () => (before.length > 0 ? deps.categories.replaceItemCategories(checkedId, before, bearer) : Promise.resolve()),
    };
    return { result: undefined, remote };
  });
}

/** Number of books naming the author (asked by the author service before it deletes one). */
export async function countAuthorBooks(db: Executor, authorId: string): Promise<number> {
  return repo.countBooksByAuthor(db, requireUuid("authorId", authorId));
}

async function requireAuthor(authors: AuthorDirectory, authorId: string): Promise<void> {
  if (!(await authors.existingAuthorIds([authorId])).has(authorId)) throw notFound("author", authorId);
}

async function linksOf(categories: CategoryDirectory, bookId: string): Promise<string[]> {
  return (await categories.categoriesOf([bookId], { fresh: true })).get(bookId) ?? [];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
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
