import { describe, expect, it } from "vitest";
import { type BookTestApp, nextIsbn } from "./book-test-app.js";
import type { Catalogue } from "./catalogue-helpers.js";
import { useCatalogueSuite } from "./catalogue-suite.js";

// Copy counts under racing UpdateBook calls and borrows/returns, with 20 real connections.
describe("book catalogue under concurrency (real PostgreSQL)", () => {
  let t: BookTestApp;
  let author: string;
  let c: Catalogue;
  useCatalogueSuite((suite) => ({ t, author, c } = suite), { env: { DB_MAX_OPEN_CONNS: "20" } });

  const counts = async (id: string) =>
    (
      await t.sql<{ total: number; available: number; open: number }>(
        `select total_copies as total, available_copies as available,
                (select count(*)::int from loans where book_id = $1 and returned_at is null) as open
           from books where id = $1`,
        [id],
      )
    )[0];
  /** A return: close one open loan, give its copy back (book row, then copy, as the service does). */
  const returnBySql = (id: string) =>
    t.sql(
      `with closed as (
         update loans set returned_at = now()
          where id = (select id from loans where book_id = $1 and returned_at is null limit 1 for update skip locked)
          returning book_id, copy_id),
       book as (update books set available_copies = available_copies + 1 where id in (select book_id from closed) returning id)
       update copies set status = 'available' where id in (select copy_id from closed) and exists (select from book)`,
      [id],
    );

  it("racing totalCopies changes, borrows and returns keep 0 ≤ available ≤ total and available = total − on loan", async () => {
    const isbn = nextIsbn();
    const created = await t.call("POST", "/api/v1/books", { title: "Contested", isbn, authorId: author, totalCopies: 10 });
    const id = String(created.body.id);
    for (let round = 0; round < 5; round++) {
      const totals = Array.from({ length: 10 }, (_, i) => (i * 7 + round * 3) % 16);
      const updates = totals.map((totalCopies) =>
        t.call("PUT", `/api/v1/books/${id}`, { title: "Contested", isbn, authorId: author, totalCopies }),
      );
      const borrows = Array.from({ length: 15 }, () => c.lendByHand(id, 1));
      const returns = Array.from({ length: 5 }, () => returnBySql(id));
      const results = await Promise.all(updates);
      await Promise.all([...borrows, ...returns]);
      for (const res of results) {
        expect([200, 400]).toContain(res.status);
        if (res.status === 400) expect(res.body.details?.[0]).toMatchObject({ reason: "COPIES_BELOW_ON_LOAN" });
      }
      const now = await counts(id);
      expect(now.available).toBeGreaterThanOrEqual(0);
      expect(now.available).toBeLessThanOrEqual(now.total);
      expect(now.available).toBe(now.total - now.open);
      const items = await c.copyStatuses(id);
      expect([items.available, items.onLoan, items.open]).toEqual([now.available, now.open, now.open]);
    }
  });

  it("racing updates of one book leave exactly one request's fields and copies", async () => {
    const isbn = nextIsbn();
    const created = await t.call("POST", "/api/v1/books", { title: "Edited", isbn, authorId: author, totalCopies: 1 });
    const id = String(created.body.id);
    const bodies = Array.from({ length: 20 }, (_, i) => ({ title: `Edit ${i}`, isbn, authorId: author, totalCopies: i }));
    const results = await Promise.all(bodies.map((body) => t.call("PUT", `/api/v1/books/${id}`, body)));
    expect(results.map((r) => r.status)).toEqual(bodies.map(() => 200));
    const final = (await t.call("GET", `/api/v1/books/${id}`)).body;
    const winner = bodies.find((b) => b.title === final.title);
    expect(final).toMatchObject({ totalCopies: winner?.totalCopies, availableCopies: winner?.totalCopies });
  });

  it("racing creates and deletes keep the unfiltered totalSize equal to the number of books", async () => {
    const create = (i: number) =>
      t.call("POST", "/api/v1/books", { title: `Racer ${i}`, isbn: nextIsbn(), authorId: author, totalCopies: 1 });
    const first = await Promise.all(Array.from({ length: 20 }, (_, i) => create(i)));
    expect(first.every((r) => r.status === 201)).toBe(true);
    const results = await Promise.all([
      ...first.slice(0, 10).map((r) => t.call("DELETE", `/api/v1/books/${r.body.id}`)),
      ...Array.from({ length: 20 }, (_, i) => create(100 + i)),
    ]);
    expect(results.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    const [{ n, counted }] = await t.sql<{ n: string; counted: string }>(
      "select (select sum(delta) from book_count_deltas) as n, (select count(*) from books) as counted",
    );
    expect(Number(n)).toBe(Number(counted));
    expect(Number((await t.call("GET", "/api/v1/books?pageSize=1", undefined, "")).body.totalSize)).toBe(Number(counted));
  });
});
