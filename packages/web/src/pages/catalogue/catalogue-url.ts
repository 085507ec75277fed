// The catalogue's search, filters and page live in the URL, so Back from a book returns to the
// same results, and a search can be bookmarked or shared. `page` repeats: the API's opaque token
// of every page opened so far (the first page has none), so "Previous page" works after a reload.
import { type CatalogueFilter, NO_FILTER } from "./catalogue-filters.js";

export interface CatalogueView {
  filter: CatalogueFilter;
  /** tokens[i] opens page i; the last one is the page shown. */
  tokens: string[];
}

export function viewFromUrl(params: URLSearchParams): CatalogueView {
  return {
    filter: {
      q: params.get("q") ?? NO_FILTER.q,
      categoryId: params.get("category") ?? NO_FILTER.categoryId,
      authorId: params.get("author") ?? NO_FILTER.authorId,
      availableOnly: params.get("available") === "1",
    },
    tokens: ["", ...params.getAll("page").filter(Boolean)],
  };
}

export function urlFromView({ filter, tokens }: CatalogueView): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.q) params.set("q", filter.q);
  if (filter.categoryId) params.set("category", filter.categoryId);
  if (filter.authorId) params.set("author", filter.authorId);
  if (filter.availableOnly) params.set("available", "1");
  for (const token of tokens.slice(1)) params.append("page", token);
  return params;
}
