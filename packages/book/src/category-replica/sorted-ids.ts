/**
 * Ids kept in ascending order (the order PostgreSQL gives lower-case UUIDs), so the category
 * replica answers "the first N members of a category" and "the items sharing most categories"
 * by walking arrays, without sorting a large category on every request.
 */

/** Where `id` is, or would go, in `sorted`. */
function positionOf(sorted: readonly string[], id: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] < id) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** True when `id` is in `sorted` (a binary search). */
export function containsSorted(sorted: readonly string[], id: string): boolean {
  return sorted[positionOf(sorted, id)] === id;
}

/** Adds `id` in its place, unless already there. */
export function insertSorted(sorted: string[], id: string): void {
  const last = sorted[sorted.length - 1];
  if (last === undefined || last < id) {
    sorted.push(id); // ids arriving in order (a list) append
    return;
  }
  const at = positionOf(sorted, id);
  if (sorted[at] !== id) sorted.splice(at, 0, id);
}

/** Removes `id` if there. */
export function removeSorted(sorted: string[], id: string): void {
  const at = positionOf(sorted, id);
  if (sorted[at] === id) sorted.splice(at, 1);
}

/**
 * Walks the distinct ids of several ascending arrays in ascending order, telling `visit` how
 * many of the arrays hold each; stops when `visit` returns false. One pass, no sorting.
 */
export function walkMerged(lists: readonly (readonly string[])[], visit: (id: string, count: number) => boolean): void {
  const at = lists.map(() => 0);
  for (;;) {
    let least: string | undefined;
    for (let i = 0; i < lists.length; i++) {
      if (at[i] >= lists[i].length) continue; // reading past an array's end is V8's slow path
      const head = lists[i][at[i]];
      if (least === undefined || head < least) least = head;
    }
    if (least === undefined) return;
    let count = 0;
    for (let i = 0; i < lists.length; i++) {
      if (at[i] < lists[i].length && lists[i][at[i]] === least) {
        at[i]++;
        count++;
      }
    }
    if (!visit(least, count)) return;
  }
}
