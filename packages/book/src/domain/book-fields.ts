import { checkAll, invalidArgument, requireUuid, trimmedText } from "@lms/platform";
import type { BookFields } from "./book.js";
import { normalizeIsbn } from "./isbn.js";
import { bookLoanTypeOf } from "./loan-policy.js";

/** Most category ids one book may name (the category service's own per-request limit). */
export const MAX_CATEGORY_IDS = 100;

/** Most copies of one title (migration 0001 checks the same bound). */
export const MAX_COPIES = 10_000;

/** One rule per writable field, each naming its field on failure. */
function fieldRules(today: Date): { [K in keyof BookFields]: (value: BookFields[K]) => BookFields[K] } {
  return {
    title: (v) => trimmedText("title", v, 1, 500),
    isbn: (v) => normalizeIsbn(v),
    authorId: (v) => requireUuid("authorId", v.trim()),
    categoryIds: (v) => categoryIdSetOf(v),
    publisher: (v) => trimmedText("publisher", v, 0, 200),
    publishedYear: (v) => publishedYearOf(v, today),
    language: (v) => trimmedText("language", v, 0, 50),
    description: (v) => trimmedText("description", v, 0, 10_000),
    totalCopies: (v) => totalCopiesOf(v),
    loanType: (v) => bookLoanTypeOf(v),
  };
}

/**
 * Validates the writable fields of a book, naming every invalid field at once: text trimmed,
 * the ISBN normalised to ISBN-13, ids lower-cased, category ids de-duplicated and sorted.
 */
export function validateBookFields(input: BookFields, today = new Date()): BookFields {
  return validateBookPatch(input, today) as BookFields;
}

/** Validates only the fields present in `patch` (an AIP-134 update), naming every invalid one at once. */
export function validateBookPatch(patch: Partial<BookFields>, today = new Date()): Partial<BookFields> {
  const rules = fieldRules(today);
  const keys = (Object.keys(rules) as (keyof BookFields)[]).filter((k) => patch[k] !== undefined);
  const check =
    <K extends keyof BookFields>(k: K) =>
    () =>
      rules[k](patch[k] as BookFields[K]);
  return checkAll(Object.fromEntries(keys.map((k) => [k, check(k)]))) as Partial<BookFields>;
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
