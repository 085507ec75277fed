import { expect } from "vitest";
import { type Body, type BookTestApp, nextIsbn } from "./book-test-app.js";

export const ABSENT = "3f1e2d3c-0000-4000-8000-000000000000";

export const sorted = (ids: string[]) => [...ids].sort();

/**
 * A deferred constraint trigger that makes COMMIT itself fail for marked titles, so the specs can
 * watch the compensation of a write whose category change already happened.
 */
export const FAIL_AT_COMMIT = `
  create function fail_at_commit() returns trigger language plpgsql as $$
  begin
    if (tg_op = 'DELETE' and old.title like 'Undeletable%') or (tg_op <> 'DELETE' and new.title like 'Fails at commit%') then
      raise exception 'refused at commit';
    end if;
    return null;
  end $$;
  create constraint trigger fail_at_commit after insert or update or delete on books
    deferrable initially deferred for each row execute function fail_at_commit();`;

/** A 400 INVALID_ARGUMENT naming `field`. */
export function expectInvalid(res: { status: number; body: Body }, field: string): void {
  expect(res.status).toBe(400);
  expect(res.body.code).toBe(3);
  expect(JSON.stringify(res.body.details)).toContain(`"field":"${field}"`);
}

/** A 400 FAILED_PRECONDITION carrying the ErrorInfo `reason` of the book service. */
export function expectRefusal(res: { status: number; body: Body }, reason: string): void {
  expect(res.status).toBe(400);
  expect(res.body.code).toBe(9);
  expect(res.body.details?.[0]).toMatchObject({
    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
    reason,
    domain: "library.book.v1",
  });
}

/** Request bodies and SQL shortcuts for books of `author` on one test app. */
export function catalogueOf(t: BookTestApp, author: string) {
  const draft = (over: Record<string, unknown> = {}) => ({
    title: "Dune",
    isbn: nextIsbn(),
    authorId: author,
    categoryIds: [],
    publisher: "Chilton",
    publishedYear: 1965,
    language: "en",
    description: "Spice.",
    totalCopies: 3,
    ...over,
  });
  return {
    draft,
    async createBook(over: Record<string, unknown> = {}) {
      const res = await t.call("POST", "/api/v1/books", draft(over));
      if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as Body & { id: string; isbn: string; createdAt: string };
    },
    async booksWithIsbn(isbn: string) {
      return (await t.sql<{ n: number }>("select count(*)::int as n from books where isbn = $1", [isbn]))[0].n;
    },
    /** Lends `n` copies the way a borrow does, straight in SQL. */
    async lendByHand(bookId: string, n: number) {
      for (let i = 0; i < n; i++) {
        await t.sql(
          `with took as (update books set available_copies = available_copies - 1 where id = $1 and available_copies > 0 returning id)
           insert into loans (book_id, user_id, due_at) select id, gen_random_uuid(), now() + interval '14 days' from took`,
          [bookId],
        );
      }
    },
  };
}
