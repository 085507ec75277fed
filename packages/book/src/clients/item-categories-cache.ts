import { containsSorted, insertSorted, removeSorted, walkMerged } from "./sorted-ids.js";

/**
 * Category ids per item, kept only while a change feed vouches for them (see
 * cached-category.client.ts). Two rules keep it from ever serving what the category service
 * no longer holds:
 * - nothing is served or stored unless the feed is live; losing the feed drops everything;
 * - an answer fetched while any change arrived is not stored (the `epoch` check), since it may
 *   predate that change. A change that arrives after an answer was stored simply removes it.
 *
 * It can also be **whole**: after a full load of every linked item (begun the moment the feed
 * went live), an item it has no entry for has no links, and it answers which items are in a
 * category and which share categories with an item. Every item changed since the load began
 * is **stale** until it is read again; while any is, it is not whole.
 */
export class ItemCategoriesCache {
  private readonly entries = new Map<string, readonly string[]>();
  /** Category id → the items whose entries name it: the entries, inverted. */
  private readonly members = new Map<string, Set<string>>();
  /** Category id → its members in id order: made on first use, then kept in step with every change. */
  private readonly sortedMembers = new Map<string, string[]>();
  /** One copy of each category id, shared by every entry naming it (a decoded answer carries its own copies). */
  private readonly categoryIds = new Map<string, string>();
  private live = false;
  private epoch = 0;
  /** Set by a finished full load; lost with everything else, or when an entry must be evicted. */
  private loaded = false;
  /** The full load under way (its number), or 0; a clear ends it. */
  private loading = 0;
  private loads = 0;
  /** Item → epoch of its last change, for items changed since a full load began and not read again. */
  private readonly stale = new Map<string, number>();
  /** Items changed while the load under way runs: what it read of them may be out of date. */
  private readonly changedDuringLoad = new Set<string>();

  constructor(private readonly maxEntries: number) {}

  get isLive(): boolean {
    return this.live;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Every linked item has its entry: absence means no links, and membership can be answered here. */
  get isWhole(): boolean {
    return this.live && this.loaded && this.stale.size === 0;
  }

  /** Items changed since the full load began and not read again yet. */
  get staleCount(): number {
    return this.stale.size;
  }

  /** The feed is live from now on: start from nothing. */
  goLive(): void {
    this.clear();
    this.live = this.maxEntries > 0;
  }

  /** The feed is gone: forget everything and serve nothing until it is live again. */
  goDead(): void {
    this.live = false;
    this.clear();
  }

  /** The links of these items changed. */
  invalidate(itemIds: readonly string[]): void {
    this.epoch++;
    for (const raw of itemIds) {
      const id = raw.toLowerCase();
      this.removeEntry(id);
      if (this.loading || this.loaded) this.stale.set(id, this.epoch);
      if (this.loading) this.changedDuringLoad.add(id);
    }
  }

  /** Too many links changed to name them. */
  clear(): void {
    this.epoch++;
    this.entries.clear();
    this.members.clear();
    this.sortedMembers.clear();
    this.categoryIds.clear();
    this.loaded = false;
    this.endLoad();
    this.stale.clear();
  }

  /** Cached ids (copies: callers may keep or change them) and the items to fetch, with the epoch to store them under. */
  lookup(itemIds: readonly string[]): { hits: Map<string, string[]>; misses: string[]; epoch: number } {
    const hits = new Map<string, string[]>();
    if (!this.live) return { hits, misses: [...itemIds], epoch: this.epoch };
    const misses: string[] = [];
    for (const id of itemIds) {
      const cached = this.entries.get(id);
      if (cached) hits.set(id, [...cached]);
      else if (this.loaded && !this.stale.has(id)) hits.set(id, []);
      else misses.push(id);
    }
    return { hits, misses, epoch: this.epoch };
  }

  /**
   * Keeps what was fetched at `epoch` (items without links as [], unless whole, where absence
   * says it), unless anything changed since.
   */
  store(epoch: number, itemIds: readonly string[], fetched: ReadonlyMap<string, string[]>): void {
    if (!this.live || epoch !== this.epoch) return;
    for (const id of itemIds) this.keep(id, fetched.get(id) ?? []);
    this.evictOverflow();
  }

  /**
   * Keeps what was fetched at `epoch` for stale items that have not changed since (however
   * many other items did): those are the items' current links. The rest stay stale.
   */
  storeStale(epoch: number, fetched: ReadonlyMap<string, string[]>): void {
    if (!this.live) return;
    for (const [id, categoryIds] of fetched) {
      const changedAt = this.stale.get(id);
      if (changedAt !== undefined && changedAt <= epoch) this.keep(id, categoryIds);
    }
    this.evictOverflow();
  }

  /** Up to `limit` stale items to read again, with the epoch to store them under. */
  staleBatch(limit: number): { ids: string[]; epoch: number } {
    const ids: string[] = [];
    for (const id of this.stale.keys()) {
      if (ids.length >= limit) break;
      ids.push(id);
    }
    return { ids, epoch: this.epoch };
  }

  /** A full load begins (call it as the feed goes live): from now on every change is remembered as stale. */
  beginFullLoad(): number {
    if (!this.live) return 0;
    this.loading = ++this.loads;
    return this.loading;
  }

  /** True while `load` is the load under way. */
  isLoading(load: number): boolean {
    return load !== 0 && this.loading === load;
  }

  /**
   * Ends `load` with every linked item it read: kept, except items changed since it began
   * (stale, read again later), and the cache is whole from now on. False when the load was
   * overtaken (a clear, the feed lost) or the links do not fit: nothing is kept then.
   */
  finishFullLoad(load: number, links: ReadonlyMap<string, readonly string[]>): boolean {
    if (!this.isLoading(load)) return false;
    const changed = new Set(this.changedDuringLoad);
    this.endLoad();
    if (links.size > this.maxEntries) {
      this.stale.clear();
      return false;
    }
    for (const [id, categoryIds] of this.entries) if (categoryIds.length === 0) this.removeEntry(id); // implied once whole
    this.loaded = true;
    for (const [id, categoryIds] of links) if (!changed.has(id) && !this.stale.has(id)) this.keep(id, categoryIds);
    this.evictOverflow();
    return this.loaded;
  }

  /** Abandons `load` (a failed read): the cache stays as it was, not whole. */
  abandonFullLoad(load: number): void {
    if (!this.isLoading(load)) return;
    this.endLoad();
    this.stale.clear();
  }

  private endLoad(): void {
    this.loading = 0;
    this.changedDuringLoad.clear();
  }

  /** The first `limit` items linked to any of `categoryIds`, by id; undefined unless whole. */
  itemsInCategories(categoryIds: readonly string[], limit: number): string[] | undefined {
    if (!this.isWhole) return undefined;
    const lists = [...new Set(categoryIds.map((c) => c.toLowerCase()))].map((c) => this.membersInOrder(c));
    if (limit <= 0) return [];
    if (lists.length === 1) return lists[0].slice(0, limit);
    const items: string[] = [];
    walkMerged(lists, (id) => items.push(id) < limit);
    return items;
  }

  /**
   * Up to `limit` other items sharing categories with `itemId` → how many they share, most
   * first, then by id; undefined unless whole. Walks the categories' members in id order, so
   * each count keeps its first `limit` ids and nothing is sorted.
   */
  relatedItems(itemId: string, limit: number): Map<string, number> | undefined {
    if (!this.isWhole) return undefined;
    const id = itemId.toLowerCase();
    const lists = (this.entries.get(id) ?? []).map((c) => this.membersInOrder(c));
    const byCount: string[][] = lists.map(() => []);
    const add = (other: string, count: number) => {
      if (other !== id && byCount[count - 1].length < limit) byCount[count - 1].push(other);
    };
    if (limit > 0 && lists.length > 0) {
      const largest = lists.reduce((a, b) => (b.length > a.length ? b : a));
      const others = lists.filter((l) => l !== largest);
      const otherSize = others.reduce((n, l) => n + l.length, 0);
      if (otherSize * Math.log2(largest.length + 2) < otherSize + largest.length) {
        // A large category beside small ones (the usual case): an item sharing two or more
        // categories is in one of the smaller ones, so walk those and look each up in the
        // largest; then only the first `limit` items sharing one category are needed.
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
      } else {
        walkMerged(lists, (other, count) => {
          add(other, count);
          return true;
        });
      }
    }
    const related = new Map<string, number>();
    for (let count = byCount.length; count > 0 && related.size < limit; count--) {
      for (const other of byCount[count - 1]) {
        if (related.size >= limit) break;
        related.set(other, count);
      }
    }
    return related;
  }

  private membersInOrder(categoryId: string): readonly string[] {
    let sorted = this.sortedMembers.get(categoryId);
    if (!sorted) {
      sorted = [...(this.members.get(categoryId) ?? [])].sort();
      if (this.members.has(categoryId)) this.sortedMembers.set(categoryId, sorted);
    }
    return sorted;
  }

  /** Sets the item's entry (last in eviction order) and its place in `members`; no longer stale. */
  private keep(id: string, categoryIds: readonly string[]): void {
    this.removeEntry(id);
    this.stale.delete(id);
    if (this.loaded && categoryIds.length === 0) return; // whole: no entry says "no links"
    const shared = categoryIds.map((c) => this.shared(c));
    this.entries.set(id, shared);
    for (const c of shared) {
      const items = this.members.get(c);
      if (items) items.add(id);
      else this.members.set(c, new Set([id]));
      const sorted = this.sortedMembers.get(c);
      if (sorted) insertSorted(sorted, id);
    }
  }

  private removeEntry(id: string): void {
    const old = this.entries.get(id);
    if (!old) return;
    this.entries.delete(id);
    for (const c of old) {
      const items = this.members.get(c);
      items?.delete(id);
      const sorted = this.sortedMembers.get(c);
      if (sorted) removeSorted(sorted, id);
      if (items?.size === 0) {
        this.members.delete(c);
        this.sortedMembers.delete(c);
      }
    }
  }

  /** Oldest entries go first; a whole cache that must evict is whole no more. */
  private evictOverflow(): void {
    if (this.entries.size <= this.maxEntries) return;
    if (this.loaded) {
      this.loaded = false;
      this.stale.clear();
    }
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.removeEntry(oldest);
    }
  }

  private shared(categoryId: string): string {
    const known = this.categoryIds.get(categoryId);
    if (known) return known;
    this.categoryIds.set(categoryId, categoryId);
    return categoryId;
  }
}
