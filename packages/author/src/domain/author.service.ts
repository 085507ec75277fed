import {
  checkAll,
  decodePageToken,
  type Executor,
  encodePageToken,
  etagOf,
  failedPrecondition,
  invalidArgument,
  isUuid,
  notFound,
  optionalPastDate,
  pageSizeOf,
  requireIfMatch,
  requireUuid,
  type Transaction,
  trimmedText,
} from "@lms/platform";
import * as repo from "../store/author.repository.js";
import type { Author, AuthorFields } from "./author.js";

/** What the author service needs to know of the book catalogue (asked over gRPC). */
export interface BookCatalog {
  countBooksByAuthor(authorId: string): Promise<number>;
}

/** One rule per writable field, each naming its field on failure. */
const FIELD_RULES: { [K in keyof AuthorFields]: (value: AuthorFields[K]) => AuthorFields[K] } = {
  name: (v) => trimmedText("name", v, 1, 200),
  biography: (v) => trimmedText("biography", v, 0, 10_000),
  birthDate: (v) => optionalPastDate("birthDate", v),
  nationality: (v) => trimmedText("nationality", v, 0, 100),
};

/** Validates the writable fields; a failure names every invalid field at once. */
export function validateAuthorFields(input: AuthorFields): AuthorFields {
  return checkAll({
    name: () => FIELD_RULES.name(input.name),
    biography: () => FIELD_RULES.biography(input.biography),
    birthDate: () => FIELD_RULES.birthDate(input.birthDate),
    nationality: () => FIELD_RULES.nationality(input.nationality),
  });
}

/** The ETag of this version of the author. */
export function authorEtag(author: Author): string {
  return etagOf(author.id, author.version);
}

export async function createAuthor(db: Executor, input: AuthorFields): Promise<Author> {
  return repo.insertAuthor(db, validateAuthorFields(input));
}

export async function getAuthor(db: Executor, id: string): Promise<Author> {
  const author = await repo.findAuthor(db, requireUuid("id", id));
  if (!author) throw notFound("author", id);
  return author;
}

/**
 * Replaces the writable fields, in the caller's transaction. With `ifMatch` (the client's `If-Match`), the row is locked and
 * its current ETag compared first: a mismatch is ETAG_MISMATCH and nothing changes.
 */
export async function updateAuthor(tx: Transaction, id: string, input: AuthorFields, ifMatch?: string | null): Promise<Author> {
  const { checkedId, fields } = checkAll({ checkedId: () => requireUuid("id", id), fields: () => validateAuthorFields(input) });
  await lockMatching(tx, checkedId, ifMatch);
  const author = await repo.updateAuthor(tx, checkedId, fields);
  if (!author) throw notFound("author", id);
  return author;
}

/**
 * Changes only the fields in `patch` (AIP-134), validating only those; the rest keep their
 * stored values. The row is locked while it is read, compared with `ifMatch` and written.
 */
export async function patchAuthor(tx: Transaction, id: string, patch: Partial<AuthorFields>, ifMatch?: string | null): Promise<Author> {
  const checkedId = requireUuid("id", id);
  const checked = checkAll(
    Object.fromEntries(
      (Object.keys(patch) as (keyof AuthorFields)[]).map((key) => [
        key,
        () => (FIELD_RULES[key] as (v: string) => string)(patch[key] ?? ""),
      ]),
    ),
  ) as Partial<AuthorFields>;
  const current = await lockMatching(tx, checkedId, ifMatch);
  const { name, biography, birthDate, nationality } = current;
  const author = await repo.updateAuthor(tx, checkedId, { name, biography, birthDate, nationality, ...checked });
  if (!author) throw notFound("author", id);
  return author;
}

/** Locks the author and checks `ifMatch` against its current ETag; NOT_FOUND when absent. */
async function lockMatching(tx: Executor, id: string, ifMatch: string | null | undefined): Promise<Author> {
  const current = await repo.lockAuthor(tx, id);
  if (!current) throw notFound("author", id);
  requireIfMatch(ifMatch, authorEtag(current), `author ${id}`);
  return current;
}

/**
 * Deletes an author unless a book names it. The author row stays locked while the book
 * service is asked, so the answer and the delete belong together; if the book service is
 * down the call fails UNAVAILABLE and nothing is deleted.
 */
export async function deleteAuthor(tx: Transaction, books: BookCatalog, id: string, ifMatch?: string | null): Promise<void> {
  const checkedId = requireUuid("id", id);
  await lockMatching(tx, checkedId, ifMatch);
  const count = await books.countBooksByAuthor(checkedId);
  if (count > 0) {
    throw failedPrecondition("AUTHOR_HAS_BOOKS", `author ${checkedId} is named by ${count} book(s)`, {
      authorId: checkedId,
      bookCount: String(count),
    });
  }
  await repo.deleteAuthor(tx, checkedId);
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
