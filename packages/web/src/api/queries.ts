// Read queries shared by several screens (TanStack Query), one key scheme: [resource, ...args].
import { useQuery } from "@tanstack/react-query";
import { useServices } from "../app/services-context.js";
import { call } from "./client.js";

/** Up to 100 authors by name, for pickers (the API's largest page). */
export function useAuthorChoices() {
  const { api } = useServices();
  return useQuery({
    queryKey: ["authors", "choices"],
    queryFn: async () => (await call(api.GET("/api/v1/authors", { params: { query: { pageSize: 100 } } }))).authors,
    staleTime: 5 * 60_000,
  });
}

/** Up to 100 categories, for pickers. */
export function useCategoryChoices() {
  const { api } = useServices();
  return useQuery({
    queryKey: ["categories", "choices"],
    queryFn: async () => (await call(api.GET("/api/v1/categories", { params: { query: { pageSize: 100 } } }))).categories,
    staleTime: 5 * 60_000,
  });
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
