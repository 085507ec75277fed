import { createHash } from "node:crypto";
import { invalidArgument, requireUuid } from "@lms/platform";

/** Most category ids one request may name: keeps every lock set and statement small. */
export const MAX_CATEGORY_IDS = 100;

/** Most item ids one service call may name (BatchGetItemCategories). */
export const MAX_ITEM_IDS = 1000;

/**
 * A list of UUIDs as a set: each validated (naming `field[i]`), lower-cased, de-duplicated and
 * sorted, so locks are always taken in the same order and answers are deterministic.
 */
export function uuidSetOf(field: string, ids: readonly string[], max: number): string[] {
  if (ids.length > max) throw invalidArgument(field, `at most ${max} ids per request`);
  const checked = ids.map((id, i) => requireUuid(`${field}[${i}]`, id));
  return [...new Set(checked)].sort();
}

/** The members of `wanted` missing from `found`, in `wanted` order. */
export function missingIds(wanted: readonly string[], found: readonly string[]): string[] {
  const present = new Set(found);
  return wanted.filter((id) => !present.has(id));
}

/** `ids` sorted, as a new array (answers list ids in a stable order). */
export function sortedIds(ids: readonly string[]): string[] {
  return [...ids].sort();
}

/** A short, stable digest of an id set, for page-token filter fingerprints (tokens stay small). */
export function fingerprintOf(ids: readonly string[]): string {
  return createHash("sha256").update(ids.join(",")).digest("base64url").slice(0, 22);
}
