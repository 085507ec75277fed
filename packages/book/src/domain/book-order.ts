import { invalidArgument } from "@lms/platform";

/** The orders ListBooks offers (DESIGN.md §4). */
export const BOOK_SORT_KEYS = ["title", "publishedYear", "createdAt"] as const;
export type BookSortKey = (typeof BOOK_SORT_KEYS)[number];

/** A validated `orderBy`: the key and its direction (the id breaks ties in the same direction). */
export interface BookOrder {
  key: BookSortKey;
  desc: boolean;
}

/** Parses `orderBy`: "" → createdAt ascending; else a key optionally followed by " desc". */
export function parseOrderBy(orderBy: string): BookOrder {
  const words = orderBy.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { key: "createdAt", desc: false };
  const [key, direction] = words;
  const known = BOOK_SORT_KEYS.find((k) => k === key);
  if (!known || words.length > 2 || (direction !== undefined && direction !== "desc")) {
    throw invalidArgument("orderBy", `must be one of ${BOOK_SORT_KEYS.join(", ")}, optionally followed by " desc"`);
  }
  return { key: known, desc: direction === "desc" };
}
