import type { Executor } from "@lms/platform";
import { findBooksInCategory, findCategorySets } from "../store/category-link.repository.js";
import type { Book } from "./book.js";
import type { CategoryDirectory, LinkAnswer } from "./ports.js";

/**
 * A read's answer and whether part of it came from this service's own copy of the category
 * links because the category service did not answer (the rpc layer marks such answers).
 */
export interface MaybeDegraded<T> {
  value: T;
  degraded: boolean;
}

/**
 * Fills `categoryIds` of every book with ONE question to the category directory (none for no
 * books). If it cannot answer (the category service away), the books' desired sets recorded
 * here (what the book service last wrote) stand in, and the answer is marked degraded.
 */
export async function withCategories(db: Executor, categories: CategoryDirectory, books: Book[]): Promise<MaybeDegraded<Book[]>> {
  if (books.length === 0) return { value: books, degraded: false };
  const ids = books.map((b) => b.id);
  const { value: links, degraded } = await orLocal(
    () => categories.categoriesOf(ids),
    () => findCategorySets(db, ids),
  );
  return { value: books.map((b) => ({ ...b, categoryIds: links.get(b.id) ?? [] })), degraded };
}

/** Up to `limit` ids of books in the category; from the desired sets recorded here if the category service is away. */
export async function booksInCategory(
  db: Executor,
  categories: CategoryDirectory,
  categoryId: string,
  limit: number,
): Promise<MaybeDegraded<string[]>> {
  return orLocal(
    () => categories.itemsIn(categoryId, limit),
    () => findBooksInCategory(db, categoryId, limit),
  );
}

async function orLocal<T>(remote: () => Promise<LinkAnswer<T>>, local: () => Promise<T>): Promise<MaybeDegraded<T>> {
  const answer = await remote();
  return answer.available ? { value: answer.value, degraded: false } : { value: await local(), degraded: true };
}
