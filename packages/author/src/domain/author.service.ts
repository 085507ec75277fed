import {
  decodePageToken,
  type Executor,
  encodePageToken,
  failedPrecondition,
  inTransaction,
  invalidArgument,
  isUuid,
  notFound,
  optionalPastDate,
  pageSizeOf,
  requireUuid,
  trimmedText,
} from "@lms/platform";
import type pg from "pg";
import * as repo from "../store/author.repository.js";
import type { Author, AuthorFields } from "./author.js";

/** What the author service needs to know of the book catalogue (asked over gRPC). */
export interface BookCatalog {
  countBooksByAuthor(authorId: string): Promise<number>;
}

/** Validates the writable fields (names the field on failure). */
export function validateAuthorFields(input: AuthorFields): AuthorFields {
  return {
    name: trimmedText("name", input.name, 1, 200),
    biography: trimmedText("biography", input.biography, 0, 10_000),
    birthDate: optionalPastDate("birthDate", input.birthDate),
    nationality: trimmedText("nationality", input.nationality, 0, 100),
  };
}

export async function createAuthor(db: Executor, input: AuthorFields): Promise<Author> {
  return repo.insertAuthor(db, validateAuthorFields(input));
}

export async function getAuthor(db: Executor, id: string): Promise<Author> {
  const author = await repo.findAuthor(db, requireUuid("id", id));
  if (!author) throw notFound("author", id);
  return author;
}

export async function updateAuthor(db: Executor, id: string, input: AuthorFields): Promise<Author> {
  const checkedId = requireUuid("id", id);
  const author = await repo.updateAuthor(db, checkedId, validateAuthorFields(input));
  if (!author) throw notFound("author", id);
  return author;
}

/**
 * Deletes an author unless a book names it. The author row stays locked while the book
 * service is asked, so the answer and the delete belong together; if the book service is
 * down the call fails UNAVAILABLE and nothing is deleted.
 */
export async function deleteAuthor(pool: pg.Pool, books: BookCatalog, id: string): Promise<void> {
  const checkedId = requireUuid("id", id);
  await inTransaction(pool, async (tx) => {
    if (!(await repo.lockAuthor(tx, checkedId))) throw notFound("author", id);
    const count = await books.countBooksByAuthor(checkedId);
    if (count > 0) {
      throw failedPrecondition("AUTHOR_HAS_BOOKS", `author ${checkedId} is named by ${count} book(s)`, {
        authorId: checkedId,
        bookCount: String(count),
      });
    }
    await repo.deleteAuthor(tx, checkedId);
  });
}

/** One page of authors by name; `q` searches the name case-insensitively. */
export async function listAuthors(db: Executor, req: { pageSize: number; pageToken: string; q: string }) {
  const limit = pageSizeOf(req.pageSize);
  const q = req.q.trim();
  const filter = `authors:${q.toLowerCase()}`;
  const cursor = decodePageToken(req.pageToken, filter);
  const after = cursor ? authorCursor(cursor) : undefined;
  const { rows, total } = await repo.listAuthors(db, { q, after, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextPageToken = rows.length > limit && last ? encodePageToken(last.sortKey, filter) : "";
  return { authors: page.map((r) => r.author), nextPageToken, totalSize: total };
}

/** The authors among `ids` that exist (for other services); at most 1000 ids. */
export async function batchGetAuthors(db: Executor, ids: string[]): Promise<Author[]> {
  if (ids.length > 1000) throw invalidArgument("ids", "at most 1000 ids per call");
  const checked = ids.map((id, i) => requireUuid(`ids[${i}]`, id));
  return checked.length === 0 ? [] : repo.findAuthors(db, checked);
}

/** A decoded cursor must be (name key, author id); anything else is a forged or foreign token. */
function authorCursor(cursor: (string | number)[]): [string, string] {
  const [name, id] = cursor;
  if (cursor.length !== 2 || typeof name !== "string" || typeof id !== "string" || !isUuid(id)) {
    throw invalidArgument("pageToken", "is not a page token of this query");
  }
  return [name, id];
}
