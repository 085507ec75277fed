import { invalidArgument } from "../errors/errors.js";

/**
 * Keyset paging helpers. A page token is the opaque base64url JSON of the last row's sort
 * key plus a fingerprint of the filter it was made for, so it stays stable under inserts and
 * cannot be replayed against another query.
 */

/** Validates `pageSize` (0 → default) against DESIGN.md §4's 1..max. */
export function pageSizeOf(value: number, fallback = 20, max = 100, field = "pageSize"): number {
  if (value === 0) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) throw invalidArgument(field, `must be between 1 and ${max}`);
  return value;
}

/** Encodes a cursor (the sort key of the last row returned) for `filter`. */
export function encodePageToken(cursor: readonly (string | number)[], filter: string): string {
  return Buffer.from(JSON.stringify({ c: cursor, f: filter })).toString("base64url");
}

/** Decodes a token made by {@link encodePageToken} for the same `filter`; "" → undefined (first page). */
export function decodePageToken(token: string, filter: string, field = "pageToken"): (string | number)[] | undefined {
  if (token === "") return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { c?: unknown; f?: unknown };
    if (Array.isArray(parsed.c) && parsed.f === filter && parsed.c.every((v) => typeof v === "string" || typeof v === "number")) {
      return parsed.c as (string | number)[];
    }
  } catch {
    // fall through: malformed
  }
  throw invalidArgument(field, "is not a page token of this query");
}
