import { invalidArgument, requireUuid, trimmedText } from "@lms/platform";
import type { BookFields } from "./book.js";
import { normalizeIsbn } from "./isbn.js";

/** Most category ids one book may name (the category service's own per-request limit). */
export const MAX_CATEGORY_IDS = 100;

/** Most copies of one title (migration 0001 checks the same bound). */
export const MAX_COPIES = 10_000;

/**
 * Validates the writable fields of a book, naming the field on failure: text trimmed, the ISBN
 * normalised to ISBN-13, ids lower-cased, category ids de-duplicated and sorted.
 */
export function validateBookFields(input: BookFields, today = new Date()): BookFields {
  return {
    title: trimmedText("title", input.title, 1, 500),
    isbn: normalizeIsbn(input.isbn),
    authorId: requireUuid("authorId", input.authorId.trim()),
    categoryIds: categoryIdSetOf(input.categoryIds),
    publisher: trimmedText("publisher", input.publisher, 0, 200),
    publishedYear: publishedYearOf(input.publishedYear, today),
    language: trimmedText("language", input.language, 0, 50),
    description: trimmedText("description", input.description, 0, 10_000),
    totalCopies: totalCopiesOf(input.totalCopies),
  };
}

/** Category ids as a set: each a UUID (naming `categoryIds[i]`), lower-cased, de-duplicated, sorted. */
export function categoryIdSetOf(ids: readonly string[]): string[] {
  if (ids.length > MAX_CATEGORY_IDS) throw invalidArgument("categoryIds", `at most ${MAX_CATEGORY_IDS} ids`);
  return [...new Set(ids.map((id, i) => requireUuid(`categoryIds[${i}]`, id.trim())))].sort();
}

/** 0 means "unknown"; otherwise a year from 1 to this one (books are not published in the future). */
function publishedYearOf(year: number, today: Date): number {
  const current = today.getUTCFullYear();
  if (!Number.isInteger(year) || year < 0 || year > current) throw invalidArgument("publishedYear", `must be 0 (unknown) or 1..${current}`);
  return year;
}

function totalCopiesOf(total: number): number {
  if (!Number.isInteger(total) || total < 0 || total > MAX_COPIES)
    throw invalidArgument("totalCopies", `must be between 0 and ${MAX_COPIES}`);
  return total;
}
