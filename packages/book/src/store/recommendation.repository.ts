import type { Executor } from "@lms/platform";

/** Weights of the ranking (README "Recommendations"): co-borrowing counts per shared reader. */
export const WEIGHTS = { sharedCategory: 2, sameAuthor: 3, coBorrower: 1 } as const;

/** Readers of the book considered for co-borrowing: the most recent ones, so a classic stays cheap. */
const READER_SAMPLE = 1000;

/**
 * Ranks candidate books for `bookId` in one statement: books sharing categories (passed in,
 * from the category service), books of the same author and books borrowed by the same
 * readers, scored with {@link WEIGHTS}; ties broken by popularity (all-time loans), then id.
 * The book itself is never returned.
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
     by_category(book_id, shared) as (select * from unnest($2::uuid[], $3::int[])),
     readers as (
       select user_id from (select user_id, max(borrowed_at) as last from loans where book_id = $1 group by user_id) r
       order by last desc limit ${READER_SAMPLE}),
     co_borrowed as (
       select l.book_id, count(distinct l.user_id)::int as readers
         from loans l join readers using (user_id)
        where l.book_id <> $1 group by l.book_id order by readers desc limit $5),
     same_author as (
       select b.id as book_id from books b join target t on b.author_id = t.author_id where b.id <> t.id limit $5),
     candidates as (
       select book_id from by_category union select book_id from co_borrowed union select book_id from same_author)
     select b.id,
            coalesce(c.shared, 0) * ${WEIGHTS.sharedCategory}
              + case when b.author_id = t.author_id then ${WEIGHTS.sameAuthor} else 0 end
              + coalesce(cb.readers, 0) * ${WEIGHTS.coBorrower} as score,
            (select count(*) from loans p where p.book_id = b.id) as popularity
       from candidates k
       join books b on b.id = k.book_id
       cross join target t
       left join by_category c on c.book_id = b.id
       left join co_borrowed cb on cb.book_id = b.id
      where b.id <> $1
      order by score desc, popularity desc, b.id
      limit $4`,
    [bookId, [...sharedCategories.keys()], [...sharedCategories.values()], limit, candidateLimit],
  );
  return rows.map((r) => r.id);
}
