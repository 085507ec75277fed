/**
 * Category ids per item, kept only while a change feed vouches for them (see
 * cached-category.client.ts). Two rules keep it from ever serving what the category service
 * no longer holds:
 * - nothing is served or stored unless the feed is live; losing the feed drops everything;
 * - an answer fetched while any change arrived is not stored (the `epoch` check), since it may
 *   predate that change. A change that arrives after an answer was stored simply removes it.
 */
export class ItemCategoriesCache {
  private readonly entries = new Map<string, readonly string[]>();
  /** One copy of each category id, shared by every entry naming it (a decoded answer carries its own copies). */
  private readonly categoryIds = new Map<string, string>();
  private live = false;
  private epoch = 0;

  constructor(private readonly maxEntries: number) {}

  get isLive(): boolean {
    return this.live;
  }

  get size(): number {
    return this.entries.size;
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
    for (const id of itemIds) this.entries.delete(id.toLowerCase());
  }

  /** Too many links changed to name them. */
  clear(): void {
    this.epoch++;
    this.entries.clear();
    this.categoryIds.clear();
  }

  /** Cached ids (copies: callers may keep or change them) and the items to fetch, with the epoch to store them under. */
  lookup(itemIds: readonly string[]): { hits: Map<string, string[]>; misses: string[]; epoch: number } {
    const hits = new Map<string, string[]>();
    if (!this.live) return { hits, misses: [...itemIds], epoch: this.epoch };
    const misses: string[] = [];
    for (const id of itemIds) {
      const cached = this.entries.get(id);
      if (cached) hits.set(id, [...cached]);
      else misses.push(id);
    }
    return { hits, misses, epoch: this.epoch };
  }

  /** Keeps what was fetched at `epoch` (items without links as []), unless anything changed since. */
  store(epoch: number, itemIds: readonly string[], fetched: ReadonlyMap<string, string[]>): void {
    if (!this.live || epoch !== this.epoch) return;
    for (const id of itemIds) {
      this.entries.delete(id); // re-inserted last: the oldest entry is evicted first
      this.entries.set(
        id,
        (fetched.get(id) ?? []).map((c) => this.shared(c)),
      );
    }
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  private shared(categoryId: string): string {
    const known = this.categoryIds.get(categoryId);
    if (known) return known;
    this.categoryIds.set(categoryId, categoryId);
    return categoryId;
  }
}
