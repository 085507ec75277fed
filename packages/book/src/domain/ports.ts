/**
 * What the book service needs of its peers, as domain interfaces. The gRPC clients in
 * clients/ implement them; specs use fakes. `bearer` is the caller's access token, forwarded
 * on calls made on the user's behalf (DESIGN.md §5).
 */

/** The author service. */
export interface AuthorDirectory {
  /** The ids among `ids` that name existing authors (one call). */
  existingAuthorIds(ids: string[]): Promise<Set<string>>;
}

/** The category service, which alone stores item ↔ category links. */
export interface CategoryDirectory {
  /**
   * Category ids of each item, in one call; items without links map to []. `fresh` skips any
   * cache (writes read the set they may have to put back).
   */
  categoriesOf(itemIds: string[], options?: { fresh?: boolean }): Promise<Map<string, string[]>>;
  /** Up to `limit` item ids linked to any of `categoryIds`. */
  itemsInCategories(categoryIds: string[], limit: number): Promise<string[]>;
  /**
   * Makes the item's links exactly `categoryIds` (SetItemLinks): idempotent, so it may be sent
   * again until acknowledged. An unknown category is NOT_FOUND with nothing changed, or with
   * `ignoreMissing` left out and named in `missing`. `bearer`: the user it is done for, if any.
   */
  setItemLinks(
    itemId: string,
    categoryIds: readonly string[],
    options?: { bearer?: string; ignoreMissing?: boolean },
  ): Promise<{ categoryIds: string[]; missing: string[] }>;
  /** Up to `limit` other items sharing categories with the item → how many they share (ListRelatedItems, one call). */
  relatedItems(itemId: string, limit: number): Promise<Map<string, number>>;
}
