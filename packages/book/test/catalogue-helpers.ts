import { inTransaction } from "@lms/platform";
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

/** Request bodies, listings and SQL shortcuts for books of `author` on one test app. */
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
  const list = (query: string) => t.call("GET", `/api/v1/books?${query}`, undefined, "");
  const idsOf = (res: { body: Body }) => (res.body.books as Body[]).map((b) => String(b.id));
  return {
    draft,
    /** ListBooks over REST, anonymous, and the ids of a page. */
    list,
    idsOf,
    async createBook(over: Record<string, unknown> = {}) {
      const res = await t.call("POST", "/api/v1/books", draft(over));
      if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as Body & { id: string; isbn: string; createdAt: string };
    },
    /** Creates a book from the fewest fields a create needs ("A Book", no copies) plus `over`. */
    async createBare(over: Record<string, unknown> = {}) {
      const res = await t.call("POST", "/api/v1/books", { title: "A Book", isbn: nextIsbn(), authorId: author, ...over });
      if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as Body & { id: string; isbn: string };
    },
    async booksWithIsbn(isbn: string) {
      return (await t.sql<{ n: number }>("select count(*)::int as n from books where isbn = $1", [isbn]))[0].n;
    },
    /** Inserts books of `authorId` in one statement (one shared created_at, unless given). */
    async insertBooks(authorId: string, rows: { title: string; year: number; createdAt?: string }[]) {
      await t.sql(
        `with added as (
           insert into books (title, isbn, author_id, published_year, total_copies, available_copies, created_at)
           select title, isbn, $1, year, 1, 1, coalesce(at, now()) from unnest($2::text[], $3::text[], $4::int[], $5::timestamptz[]) as r(title, isbn, year, at)
           returning id)
         insert into copies (book_id) select id from added`,
        [authorId, rows.map((r) => r.title), rows.map(() => nextIsbn()), rows.map((r) => r.year), rows.map((r) => r.createdAt ?? null)],
      );
    },
    /** Every id of a query, following nextPageToken; fails on a page that repeats an id. */
    async pageThrough(query: string, pageSize: number) {
      const ids: string[] = [];
      let token = "";
      for (let page = 0; page < 100; page++) {
        const res = await list(`${query}&pageSize=${pageSize}${token ? `&pageToken=${token}` : ""}`);
        expect(res.status).toBe(200);
        ids.push(...idsOf(res));
        token = String(res.body.nextPageToken);
        if (!token) return ids;
      }
      throw new Error("paging never ended");
    },
    /**
     * Lends `n` copies the way a borrow does, straight in SQL: the book row first (its counter),
     * then, in a statement whose snapshot is taken under that lock, any available copy and the loan.
     */
    async lendByHand(bookId: string, n: number) {
      for (let i = 0; i < n; i++) {
        await inTransaction(t.app.db.pool, async (tx) => {
          const took = await tx.query("update books set available_copies = available_copies - 1 where id = $1 and available_copies > 0", [
            bookId,
          ]);
          if (took.rowCount === 0) return;
          const lent = await tx.query(
            `with copy as (
               update copies set status = 'on_loan'
                where id = (select id from copies where book_id = $1 and status = 'available' limit 1 for update skip locked)
               returning id, book_id)
             insert into loans (book_id, user_id, copy_id, due_at) select book_id, gen_random_uuid(), id, now() + interval '14 days' from copy`,
            [bookId],
          );
          if (lent.rowCount !== 1) throw new Error(`book ${bookId}: its counter had a copy on the shelf, its copies none`);
        });
      }
    },
    /** The book's copies by status, and its open loans, straight from the tables. */
    async copyStatuses(bookId: string) {
      const [row] = await t.sql<{ available: number; onLoan: number; withdrawn: number; open: number }>(
        `select count(*) filter (where status = 'available')::int as available, count(*) filter (where status = 'on_loan')::int as "onLoan",
                count(*) filter (where status = 'withdrawn')::int as withdrawn,
                (select count(*)::int from loans where book_id = $1 and returned_at is null) as open
           from copies where book_id = $1`,
        [bookId],
      );
      return row;
    },
  };
}

export type Catalogue = ReturnType<typeof catalogueOf>;
