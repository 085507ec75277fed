import { createHash } from "node:crypto";
import { decodePageToken, type Executor, encodePageToken, optionalUuid, pageSizeOf, trimmedText } from "@lms/platform";
import { findBooks } from "../store/book.repository.js";
import { type BookFilter, listBooks as listBookRows } from "../store/book-list.repository.js";
import type { Book } from "./book.js";
import { booksInCategory, type MaybeDegraded, withCategories } from "./book-categories.js";
import { parseOrderBy } from "./book-order.js";
import { isbnSearchPrefix } from "./isbn.js";
import { bookCursorOf } from "./page-cursor.js";
import type { CategoryDirectory } from "./ports.js";
import { recommendBookIds } from "./recommendation.service.js";

/**
 * Most members of one category a ListBooks filter considers: the ids travel to the database as
 * one parameter, so the filter stays one statement. Larger categories list only these.
 */
export const MAX_CATEGORY_MEMBERS = 10_000;

/** ListBooks input, as the proto carries it (`available` absent = either). */
export interface ListBooksRequest {
  pageSize: number;
  pageToken: string;
  q: string;
  authorId: string;
  categoryId: string;
  available?: boolean | undefined;
  orderBy: string;
}

/**
 * One page of books in the requested order, with their category ids (one call for the page).
 * The page token holds the last row's sort key and a fingerprint of the filter and order, so
 * it cannot continue another query. `degraded` when the category service did not answer and
 * the desired sets recorded here stood in (for the ids and for a `categoryId` filter).
 */
export async function listBooks(db: Executor, categories: CategoryDirectory, req: ListBooksRequest) {
  const limit = pageSizeOf(req.pageSize);
  const order = parseOrderBy(req.orderBy);
  const q = trimmedText("q", req.q, 0, 500);
  const authorId = optionalUuid("authorId", req.authorId.trim());
  const categoryId = optionalUuid("categoryId", req.categoryId.trim());
  const fingerprint = fingerprintOf(["books", order.key, order.desc, q.toLowerCase(), authorId, categoryId, req.available ?? null]);
  const after = bookCursorOf(decodePageToken(req.pageToken, fingerprint), order.key);
  const members = categoryId ? await booksInCategory(db, categories, categoryId, MAX_CATEGORY_MEMBERS) : undefined;
  const filter: BookFilter = { q, isbnPrefix: isbnSearchPrefix(q), authorId, ids: members?.value, available: req.available };
  const { rows, total } = await listBookRows(db, { filter, order, after, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const books = await withCategories(
    db,
    categories,
    page.map((r) => r.book),
  );
  return {
    books: books.value,
    nextPageToken: rows.length > limit && last ? encodePageToken(last.cursor, fingerprint) : "",
    totalSize: total,
    degraded: books.degraded || (members?.degraded ?? false),
  };
}

/** Books a reader of `bookId` may like, best first, with their category ids (the ranking validates the request). */
export async function recommendBooks(
  db: Executor,
  categories: CategoryDirectory,
  req: { bookId: string; limit: number },
  candidateLimit: number,
): Promise<MaybeDegraded<Book[]>> {
  return booksInOrder(db, categories, await recommendBookIds(db, categories, req, candidateLimit));
}

/** The books of `ids` in that order (ids no longer present are skipped), with their category ids. */
export async function booksInOrder(db: Executor, categories: CategoryDirectory, ids: readonly string[]): Promise<MaybeDegraded<Book[]>> {
  const byId = new Map((await findBooks(db, ids)).map((b) => [b.id, b]));
  const found = ids.flatMap((id) => byId.get(id) ?? []);
  return withCategories(db, categories, found);
}

/** A short, stable digest of a query's filter and order, for its page tokens (tokens stay small). */
function fingerprintOf(parts: readonly unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 22);
}
