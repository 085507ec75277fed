import { containsSorted, insertSorted, removeSorted, walkMerged } from "./sorted-ids.js";

/**
 * Every item's category ids, and each category's members in id order: the replica's data, with
 * no I/O and no notion of time. It answers the three questions the book service asks of links:
 * an item's categories, the first items of a category, and the items sharing most categories
 * with an item. Absence means no links.
 */
export class LinkIndex {
  private readonly categoriesByItem = new Map<string, readonly string[]>();
  /** Category id → its items in ascending id order, kept in step with every change. */
  private readonly members = new Map<string, string[]>();
  /** One copy of each category id, shared by every item naming it. */
  private readonly interned = new Map<string, string>();

  /** Items that have links. */
  get size(): number {
    return this.categoriesByItem.size;
  }

  /** Forgets everything (before a new list). */
  clear(): void {
    this.categoriesByItem.clear();
    this.members.clear();
    this.interned.clear();
  }

  /** The item's links are exactly `categoryIds` from now on ([] = none). */
  set(itemId: string, categoryIds: readonly string[]): void {
    const id = itemId.toLowerCase();
    const old = this.categoriesByItem.get(id) ?? [];
    const next = this.normalised(categoryIds);
    for (const c of old) if (!next.includes(c)) this.leave(c, id);
    for (const c of next) if (!old.includes(c)) insertSorted(this.membersOf(c), id);
    if (next.length > 0) this.categoriesByItem.set(id, next);
    else this.categoriesByItem.delete(id);
  }

  /** The item's category ids, sorted (a copy the caller may keep). */
  categoriesOf(itemId: string): string[] {
    return [...(this.categoriesByItem.get(itemId.toLowerCase()) ?? [])];
  }

  /** The first `limit` items linked to any of `categoryIds`, by id. */
  itemsIn(categoryIds: readonly string[], limit: number): string[] {
    if (limit <= 0) return [];
    const lists = [...new Set(categoryIds.map((c) => c.toLowerCase()))].map((c) => this.members.get(c) ?? []);
    if (lists.length === 1) return lists[0].slice(0, limit);
    const items: string[] = [];
    walkMerged(lists, (id) => items.push(id) < limit);
    return items;
  }

  /**
   * Up to `limit` other items sharing categories with `itemId` → how many they share, most
   * first, then by id (as the category service's ListRelatedItems answers). Walks the
   * categories' members in id order, so each count keeps its first `limit` ids and nothing is sorted.
   */
  related(itemId: string, limit: number): Map<string, number> {
    const id = itemId.toLowerCase();
    const lists = (this.categoriesByItem.get(id) ?? []).map((c) => this.members.get(c) ?? []);
    const byCount: string[][] = lists.map(() => []);
    const add = (other: string, count: number) => {
      if (other !== id && byCount[count - 1].length < limit) byCount[count - 1].push(other);
    };
    if (limit > 0 && lists.length > 0) collectShared(lists, limit, byCount, add);
    const related = new Map<string, number>();
    for (let count = byCount.length; count > 0 && related.size < limit; count--) {
      for (const other of byCount[count - 1]) {
        if (related.size >= limit) break;
        related.set(other, count);
      }
    }
    return related;
  }

  private membersOf(categoryId: string): string[] {
    const items = this.members.get(categoryId);
    if (items) return items;
    const first: string[] = [];
    this.members.set(categoryId, first);
    return first;
  }

  private leave(categoryId: string, itemId: string): void {
    const items = this.members.get(categoryId);
    if (!items) return;
    removeSorted(items, itemId);
    if (items.length === 0) {
      this.members.delete(categoryId);
      this.interned.delete(categoryId);
    }
  }

  /** Lower-case, interned, sorted and distinct (as the category service sends them, mostly: then no sort). */
  private normalised(categoryIds: readonly string[]): string[] {
    const ids = categoryIds.map((c) => this.intern(c.toLowerCase()));
    for (let i = 1; i < ids.length; i++) if (ids[i - 1] >= ids[i]) return [...new Set(ids)].sort();
    return ids;
  }

  private intern(categoryId: string): string {
    const known = this.interned.get(categoryId);
    if (known) return known;
    this.interned.set(categoryId, categoryId);
    return categoryId;
  }
}

/** Fills `byCount[n - 1]` with items sharing n of the `lists` (see LinkIndex.related). */
function collectShared(
  lists: readonly (readonly string[])[],
  limit: number,
  byCount: string[][],
  add: (other: string, count: number) => void,
): void {
  const largest = lists.reduce((a, b) => (b.length > a.length ? b : a));
  const others = lists.filter((l) => l !== largest);
  const otherSize = others.reduce((n, l) => n + l.length, 0);
  if (otherSize * Math.log2(largest.length + 2) >= otherSize + largest.length) {
    walkMerged(lists, (other, count) => {
      add(other, count);
      return true;
    });
    return;
  }
  // A large category beside small ones (the usual case): an item sharing two or more categories
  // is in one of the smaller ones, so walk those and look each up in the largest; then only the
  // first `limit` items sharing one category are needed.
  walkMerged(others, (other, count) => {
    const shared = count + (containsSorted(largest, other) ? 1 : 0);
    if (shared > 1) add(other, shared);
    return true;
  });
  const better = byCount.slice(1).reduce((n, b) => n + b.length, 0);
  if (better < limit) {
    walkMerged(lists, (other, count) => {
      if (count === 1) add(other, 1);
      return byCount[0].length < limit - better;
    });
  }
}
