import { type Executor, notFound, pageSizeOf, requireUuid, unavailable } from "@lms/platform";
import { bookExists } from "../store/copies.repository.js";
import { rankRecommendations } from "../store/recommendation.repository.js";
import type { CategoryDirectory } from "./ports.js";

/**
 * Other books a reader of `bookId` may like, best first (the ranking is described in the
 * README): one question to the category directory for books sharing categories, one SQL
 * statement for the rest. `limit` 1..50, default 10. UNAVAILABLE when the category service is
 * away (the ranking is mostly about categories).
 */
export async function recommendBookIds(
  db: Executor,
  categories: CategoryDirectory,
  req: { bookId: string; limit: number },
  candidateLimit: number,
): Promise<string[]> {
  const bookId = requireUuid("id", req.bookId);
  const limit = pageSizeOf(req.limit, 10, 50, "limit");
  if (!(await bookExists(db, bookId))) throw notFound("book", bookId);
  const related = await categories.related(bookId, candidateLimit);
  if (!related.available) throw unavailable("category service unavailable: recommendations need its links");
  return rankRecommendations(db, bookId, related.value, limit, candidateLimit);
}
