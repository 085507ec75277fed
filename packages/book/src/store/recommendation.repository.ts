import type { Executor } from "@lms/platform";

/** Weights of the ranking (README "Recommendations"): co-borrowing counts per shared reader. */
export const WEIGHTS = { sharedCategory: 2, sameAuthor: 3, coBorrower: 1 } as const;

/** Readers of the book considered for co-borrowing: the most recent ones, so a classic stays cheap. */
const READER_SAMPLE = 1000;

/**
 * Ranks candidate books for `bookId` in one statement: books sharing categories (passed in,
 * from the category service), books of the same author and books borrowed by the same
 * readers, scored with {@link WEIGHTS}; ties broken by popularity (all-time loans, kept on the
 * book by triggers on loans, migration 0006), then id. The book itself is never returned.
 *
 * Shape, for speed at 100 000 books / 1 000 000 loans (docs/performance.md has the plans):
 * the candidates are looked up as one id array (`= any(array(...))`), because the planner
 * underestimates how few they are and otherwise hashes the whole books table; popularity,
 * which only breaks ties, comes with the candidate's row instead of being counted from loans.
 * The books sharing categories travel as two comma-separated texts, not array parameters,
 * which node-pg would quote and escape element by element (store/book-list.repository.ts).
 */
export async function rankRecommendations(
  db: Executor,
  bookId: string,
  sharedCategories: Map<string, number>,
  limit: number,
  candidateLimit: number,
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `with target as (select id, author_id from books where id = $1),
     readers as (
       select user_id from (select user_id, max(borrowed_at) as last from loans where book_id = $1 group by user_id) r
       order by last desc limit ${READER_SAMPLE}),
     co_borrowed as (
       select l.book_id, count(distinct l.user_id)::int as readers
         from loans l join readers using (user_id)
        where l.book_id <> $1 group by l.book_id order by readers desc limit $5),
     same_author as (
       select b.id as book_id from books b join target t on b.author_id = t.author_id where b.id <> t.id limit $5),
     shared as (
       select * from unnest(string_to_array($2, ',')::uuid[], string_to_array($3, ',')::int[]) as s(book_id, shared)),
     candidates as (
       select book_id from shared union select book_id from co_borrowed union select book_id from same_author),
     scored as (
       select b.id,
              coalesce(c.shared, 0) * ${WEIGHTS.sharedCategory}
                + case when b.author_id = t.author_id then ${WEIGHTS.sameAuthor} else 0 end
                + coalesce(cb.readers, 0) * ${WEIGHTS.coBorrower} as score,
              b.times_borrowed as popularity
         from books b
         cross join target t
         left join shared c on c.book_id = b.id
         left join co_borrowed cb on cb.book_id = b.id
        where b.id = any(array(select book_id from candidates)) and b.id <> $1)
     select id from scored order by score desc, popularity desc, id limit $4`,
    [bookId, [...sharedCategories.keys()].join(","), [...sharedCategories.values()].join(","), limit, candidateLimit],
  );
  return rows.map((r) => r.id);
}
