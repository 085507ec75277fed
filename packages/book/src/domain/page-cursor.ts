import { invalidArgument, isUuid } from "@lms/platform";
import type { BookSortKey } from "./book-order.js";

/** The keyset position of a ListBooks page: the last row's sort value and id. */
export type BookCursor = [sortValue: string | number, id: string];

/** Microsecond UTC timestamps, exactly as the repository renders `created_at` for cursors. */
const MICROS_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * The cursor decoded from a ListBooks token, checked against the order it claims to continue.
 * A token is opaque but not signed, so its contents are checked like any other input: a forged
 * one gets INVALID_ARGUMENT, never a SQL error.
 */
export function bookCursorOf(cursor: (string | number)[] | undefined, key: BookSortKey): BookCursor | undefined {
  if (cursor === undefined) return undefined;
  const [value, id] = cursor;
  if (cursor.length !== 2 || typeof id !== "string" || !isUuid(id) || !fitsKey(value, key)) {
    throw invalidArgument("pageToken", "is not a page token of this query");
  }
  return [value, id.toLowerCase()];
}

function fitsKey(value: string | number | undefined, key: BookSortKey): boolean {
  switch (key) {
    case "title":
      return typeof value === "string" && value.length <= 2000;
    case "publishedYear":
      return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 2_147_483_647;
    case "createdAt":
      return typeof value === "string" && isMicrosTimestamp(value);
  }
}

/** Shape and calendar both: "2024-02-30T…" has the shape but would make PostgreSQL fail. */
function isMicrosTimestamp(value: string): boolean {
  if (!MICROS_TIMESTAMP.test(value)) return false;
  const millis = `${value.slice(0, 23)}Z`;
  const date = new Date(millis);
  return !Number.isNaN(date.getTime()) && date.toISOString() === millis;
}
