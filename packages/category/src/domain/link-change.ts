/** A committed change to item links, as watchers receive it: the items named, or `all` of them. */
export interface LinkChange {
  itemIds: string[];
  all: boolean;
}

/** Most items one change names; past it the change says `all` (a NOTIFY payload must stay under 8000 bytes). */
export const MAX_NAMED_ITEMS = 100;

/** The change that stands for every item: a watcher drops everything it cached. */
export function allItemsChanged(): LinkChange {
  return { itemIds: [], all: true };
}

/** The change naming `itemIds` (de-duplicated, sorted), or `all` when they are too many to name. */
export function changeOf(itemIds: readonly string[]): LinkChange {
  const unique = [...new Set(itemIds)].sort();
  return unique.length > MAX_NAMED_ITEMS ? allItemsChanged() : { itemIds: unique, all: false };
}
