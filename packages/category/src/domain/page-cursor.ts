import { invalidArgument, requireUuid } from "@lms/platform";

/**
 * Page cursors decoded from a token. A token is opaque but not signed, so its contents are
 * checked like any other input: a forged one gets INVALID_ARGUMENT, never a SQL error.
 */

/** The (lower(name), id) cursor of ListCategories, or undefined for the first page. */
export function nameCursorOf(cursor: (string | number)[] | undefined): [string, string] | undefined {
  if (cursor === undefined) return undefined;
  const [name, id] = cursor;
  if (cursor.length !== 2 || typeof name !== "string" || typeof id !== "string") throw badToken();
  return [name, requireUuid("pageToken", id)];
}

/** The item-id cursor of ListCategoryItems, or undefined for the first page. */
export function itemCursorOf(cursor: (string | number)[] | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const [itemId] = cursor;
  if (cursor.length !== 1 || typeof itemId !== "string") throw badToken();
  return requireUuid("pageToken", itemId);
}

function badToken() {
  return invalidArgument("pageToken", "is not a page token of this query");
}
