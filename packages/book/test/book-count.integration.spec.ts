import { describe, expect, it } from "vitest";
import { type BookTestApp, nextIsbn } from "./book-test-app.js";
import type { Catalogue } from "./catalogue-helpers.js";
import { useCatalogueSuite } from "./catalogue-suite.js";

// The number of all books, kept in book_count_deltas (migration 0005) rather than counted, as
// ListBooks without a filter answers it in totalSize; on both databases.
describe("the kept book count", () => {
  let t: BookTestApp;
  let author: string;
  let c: Catalogue;
  useCatalogueSuite((suite) => ({ t, author, c } = suite));

  it("answers the unfiltered totalSize from the kept count, exact through inserts, deletes and rollbacks", async () => {
    const counted = async () => Number((await t.sql<{ n: string }>("select count(*) as n from books"))[0].n);
    const totalSize = async () => Number((await c.list("pageSize=1")).body.totalSize);
    expect(await totalSize()).toBe(await counted());
    const before = await counted();
    const kept = await c.createBare({ title: "Counted" });
    await c.insertBooks(author, [
      { title: "Counted Too", year: 2001 },
      { title: "Counted Three", year: 2002 },
    ]);
    expect(await totalSize()).toBe(before + 3);
    const tx = await t.app.db.pool.connect();
    try {
      await tx.query("begin");
      await tx.query("insert into books (title, isbn, author_id, total_copies, available_copies) values ('Gone', $1, $2, 1, 1)", [
        nextIsbn(),
        author,
      ]);
      await tx.query("rollback");
    } finally {
      tx.release();
    }
    expect(await totalSize()).toBe(before + 3);
    expect((await t.call("DELETE", `/api/v1/books/${kept.id}`)).status).toBe(200);
    expect(await totalSize()).toBe(before + 2);
    expect(await totalSize()).toBe(await counted());
    const keptCount = async () => Number((await t.sql<{ n: string }>("select sum(delta) as n from book_count_deltas"))[0].n);
    expect(await keptCount()).toBe(await counted());
    // Folding the deltas into one row changes nothing but their number.
    await t.sql("select book_count_fold()");
    expect(await t.sql("select delta from book_count_deltas")).toHaveLength(1);
    expect(await keptCount()).toBe(await counted());
    // A bulk insert is one delta row, whatever its size (a per-row counter update made this slow).
    await c.insertBooks(
      author,
      Array.from({ length: 2000 }, (_, i) => ({ title: `Bulk ${i}`, year: 1999 })),
    );
    // (two rows: the folded one and the insert's; one when the insert happened to fold them)
    expect((await t.sql("select delta from book_count_deltas")).length).toBeLessThanOrEqual(2);
    expect(await totalSize()).toBe(await counted());
  });
});
