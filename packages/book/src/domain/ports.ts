/**
 * What the book service needs of its peers, as domain interfaces. The gRPC clients in
 * clients/ and the category replica implement them; specs use fakes. `bearer` is the caller's
 * access token, forwarded on calls made on the user's behalf (DESIGN.md §5).
 */

/** The author service. */
export interface AuthorDirectory {
  /** The ids among `ids` that name existing authors (one call). */
  existingAuthorIds(ids: string[]): Promise<Set<string>>;
}

/** A borrower as circulation sees them (DESIGN.md §8): an auth service user. */
export interface Patron {
  /** The user's id (UUID). */
  id: string;
  /** Chooses the loan policy with the book's loan type. */
  patronGroup: string;
  /** Library card: 10 digits. */
  cardNumber: string;
}

/** The auth service, which alone stores users: patrons by id or by a scanned library card. */
export interface PatronDirectory {
  /**
   * The patrons named by `ids` or `cardNumbers` that exist (one call): those named by id first,
   * in the order asked, then those named by card; unknown ones are left out. A malformed id or
   * card number (10 digits, the last a Luhn check digit) is INVALID_ARGUMENT naming it.
   */
  findPatrons(query: { ids?: readonly string[]; cardNumbers?: readonly string[] }): Promise<Patron[]>;
}

/** An answer about category links, or word that none can be given now (the category service away). */
export type LinkAnswer<T> = { available: true; value: T } | { available: false };

export function answered<T>(value: T): LinkAnswer<T> {
  return { available: true, value };
}

export const UNAVAILABLE: LinkAnswer<never> = Object.freeze({ available: false });

/** The category service, which alone stores item ↔ category links. */
export interface CategoryDirectory {
  /** Category ids of each item ([] for items without links). */
  categoriesOf(itemIds: readonly string[]): Promise<LinkAnswer<Map<string, string[]>>>;
  /** Up to `limit` item ids linked to the category, by id. */
  itemsIn(categoryId: string, limit: number): Promise<LinkAnswer<string[]>>;
  /** Up to `limit` other items sharing categories with the item → how many they share. */
  related(itemId: string, limit: number): Promise<LinkAnswer<Map<string, number>>>;
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
}
