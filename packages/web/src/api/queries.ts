// Read queries shared by several screens (TanStack Query), one key scheme: [resource, ...args].
import { useQueries, useQuery } from "@tanstack/react-query";
import { useServices } from "../app/services-context.js";
import { call } from "./client.js";
import type { AuthorRecord } from "./types.js";

/** Authors whose name matches `q`, for the Author filter's suggestions (first ten). */
export function useAuthorSearch(q: string) {
  const { api } = useServices();
  return useQuery({
    queryKey: ["authors", "search", q],
    queryFn: async () => (await call(api.GET("/api/v1/authors", { params: { query: { q, pageSize: 10 } } }))).authors,
    enabled: q.trim().length > 0,
    staleTime: 60_000,
  });
}

/** The author whose name is `text` (any case) among `authors`: what a typed name means in an Author field. */
export function exactAuthor(authors: AuthorRecord[] | undefined, text: string): AuthorRecord | undefined {
  const wanted = text.trim().toLowerCase();
  return wanted ? authors?.find((a) => a.name.toLowerCase() === wanted) : undefined;
}

/** Every category (the tree for pickers): all pages of ListCategories, at most 2,000. */
export function useAllCategories() {
  const { api } = useServices();
  return useQuery({
    queryKey: ["categories", "all"],
    queryFn: async () => {
      const all = [];
      let pageToken = "";
      for (let page = 0; page < 20; page++) {
        const res = await call(
          api.GET("/api/v1/categories", { params: { query: { pageSize: 100, ...(pageToken ? { pageToken } : {}) } } }),
        );
        all.push(...res.categories);
        pageToken = res.nextPageToken;
        if (!pageToken) break;
      }
      return all;
    },
    staleTime: 5 * 60_000,
  });
}

/** Names of the given authors (each fetched once and cached, shared with the book page). */
export function useAuthorNames(ids: string[]): Map<string, string> {
  const { api } = useServices();
  const authors = useQueries({
    queries: [...new Set(ids)].map((id) => ({
      queryKey: ["author", id],
      queryFn: () => call(api.GET("/api/v1/authors/{id}", { params: { path: { id } } })),
      staleTime: 5 * 60_000,
    })),
  });
  return new Map(authors.flatMap((a) => (a.data ? [[a.data.id, a.data.name] as const] : [])));
}

export function useBook(id: string) {
  const { api } = useServices();
  return useQuery({
    queryKey: ["book", id],
    queryFn: () => call(api.GET("/api/v1/books/{id}", { params: { path: { id } } })),
  });
}

export function useAuthor(id: string | undefined) {
  const { api } = useServices();
  return useQuery({
    queryKey: ["author", id],
    queryFn: () => call(api.GET("/api/v1/authors/{id}", { params: { path: { id: id ?? "" } } })),
    enabled: Boolean(id),
  });
}

/** The categories a book (an "item" to the category service) is filed under. */
export function useItemCategories(itemId: string) {
  const { api } = useServices();
  return useQuery({
    queryKey: ["item-categories", itemId],
    queryFn: async () => (await call(api.GET("/api/v1/items/{itemId}/categories", { params: { path: { itemId } } }))).categories,
  });
}
