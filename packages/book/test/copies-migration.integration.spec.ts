import { randomUUID } from "node:crypto";
import { copyFile, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateDown, migrateUp, migrationsDirOf } from "@lms/platform";
import { createTestDatabase, type TestDatabase } from "@lms/platform/testing/test-database";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { borrowBook, caller, returnBook } from "./circulation-db.js";

const BOOK_MIGRATIONS = migrationsDirOf("book");

/** A directory holding the book migrations up to `version` only: the schema as it was then. */
async function migrationsUpTo(version: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "book-migrations-"));
  for (const file of await readdir(BOOK_MIGRATIONS)) {
    if (Number(file.slice(0, 4)) <= version) await copyFile(join(BOOK_MIGRATIONS, file), join(dir, file));
  }
  return dir;
}

// Migration 0008 on a database that lived under 0007: every counter becomes copies, and no
// open loan is lost. Real PostgreSQL, the same migration runner as the service.
describe("migration 0008: counters become copies", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let oldDir: string;
  const book = { plain: randomUUID(), lent: randomUUID(), empty: randomUUID(), allOut: randomUUID() };
  const readers = [randomUUID(), randomUUID(), randomUUID()];

  beforeAll(async () => {
    database = await createTestDatabase("book_mig");
    pool = new pg.Pool({ connectionString: database.url, max: 4 });
    pool.on("error", () => {});
    oldDir = await migrationsUpTo(7);
    await migrateUp(pool, oldDir);
    const insertBook = (id: string, total: number, available: number) =>
      pool.query(
        `insert into books (id, title, isbn, author_id, total_copies, available_copies)
         values ($1, 'Old', lpad((floor(random() * 1e12))::bigint::text, 13, '9'), gen_random_uuid(), $2, $3)`,
        [id, total, available],
      );
    await insertBook(book.plain, 3, 3);
    await insertBook(book.lent, 4, 2);
    await insertBook(book.empty, 0, 0);
    await insertBook(book.allOut, 1, 0);
    const loan = (bookId: string, userId: string, returned: boolean) =>
      pool.query(
        `insert into loans (book_id, user_id, borrowed_at, due_at, returned_at)
         values ($1, $2, now() - interval '3 days', now() + interval '11 days', case when $3 then now() - interval '1 day' end)`,
        [bookId, userId, returned],
      );
    await loan(book.lent, readers[0], false);
    await loan(book.lent, readers[1], false);
    await loan(book.lent, readers[2], true);
    await loan(book.allOut, readers[0], false);
    await migrateUp(pool, BOOK_MIGRATIONS);
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
    if (oldDir) await rm(oldDir, { recursive: true, force: true });
  });

  const copiesOf = async (bookId: string) =>
    (
      await pool.query<{ id: string; barcode: string; status: string }>("select id, barcode, status from copies where book_id = $1", [
        bookId,
      ])
    ).rows;
  const counters = async (bookId: string) =>
    (await pool.query("select total_copies as total, available_copies as available from books where id = $1", [bookId])).rows[0];

  it("gives each book as many copies as its counter, on the shelf but for those on loan, counters unchanged", async () => {
    const statuses = async (id: string) => (await copiesOf(id)).map((c) => c.status).sort();
    expect(await statuses(book.plain)).toEqual(["available", "available", "available"]);
    expect(await statuses(book.lent)).toEqual(["available", "available", "on_loan", "on_loan"]);
    expect(await statuses(book.empty)).toEqual([]);
    expect(await statuses(book.allOut)).toEqual(["on_loan"]);
    expect(await counters(book.plain)).toEqual({ total: 3, available: 3 });
    expect(await counters(book.lent)).toEqual({ total: 4, available: 2 });
    expect(await counters(book.allOut)).toEqual({ total: 1, available: 0 });
  });

  it("puts each open loan on its own copy of its book, and leaves returned loans without one", async () => {
    const { rows } = await pool.query<{ book_id: string; copy_id: string | null; returned: boolean; copy_book: string; status: string }>(
      `select l.book_id, l.copy_id, l.returned_at is not null as returned, c.book_id as copy_book, c.status
         from loans l left join copies c on c.id = l.copy_id`,
    );
    const open = rows.filter((r) => !r.returned);
    expect(open).toHaveLength(3);
    for (const r of open) expect(r).toMatchObject({ copy_book: r.book_id, status: "on_loan" });
    expect(new Set(open.map((r) => r.copy_id)).size).toBe(3);
    expect(rows.filter((r) => r.returned).map((r) => r.copy_id)).toEqual([null]);
  });

  it("generates unique barcodes of the form C + 11 digits", async () => {
    const { rows } = await pool.query<{ barcode: string }>("select barcode from copies");
    expect(rows).toHaveLength(8);
    for (const r of rows) expect(r.barcode).toMatch(/^C[0-9]{11}$/);
    expect(new Set(rows.map((r) => r.barcode)).size).toBe(8);
  });

  it("refuses a second open loan of one copy (partial unique index) and an open loan without a copy", async () => {
    const [onLoan] = (await copiesOf(book.allOut)).filter((c) => c.status === "on_loan");
    const insert = (copyId: string | null) =>
      pool.query("insert into loans (book_id, user_id, copy_id, due_at) values ($1, $2, $3, now() + interval '1 day')", [
        book.allOut,
        randomUUID(),
        copyId,
      ]);
    await expect(insert(onLoan.id)).rejects.toMatchObject({ code: "23505", constraint: "loans_one_open_per_copy" });
    await expect(insert(null)).rejects.toMatchObject({ code: "23514", constraint: "loans_open_has_copy" });
  });

  it("returns a migrated loan onto its copy, and lends on the copies after", async () => {
    const rules = { maxActiveLoans: 5, loanDays: 14 };
    const back = await returnBook(pool, caller("ROLE_MEMBER", readers[0]), { bookId: book.lent, userId: "" });
    expect(back.availableCopies).toBe(3);
    const [{ status }] = (await pool.query("select status from copies where id = $1", [back.loan.copyId])).rows;
    expect(status).toBe("available");
    const lent = await borrowBook(pool, rules, caller(), { bookId: book.plain, userId: "" });
    expect(lent.availableCopies).toBe(2);
    expect((await copiesOf(book.plain)).find((c) => c.id === lent.loan.copyId)?.status).toBe("on_loan");
  });

  it("goes back down to counters that count the copies", async () => {
    await pool.query(
      "update copies set status = 'lost' where id = (select id from copies where book_id = $1 and status = 'available' limit 1)",
      [book.plain],
    );
    const applied = (await pool.query<{ version: number }>("select version from schema_migrations where version > 7")).rows;
    await migrateDown(pool, BOOK_MIGRATIONS, applied.length);
    // plain: 3 copies, 1 lent, 1 lost → 2 owned, 1 on the shelf; lent: 4 copies, 1 still on loan.
    expect(await counters(book.plain)).toEqual({ total: 2, available: 1 });
    expect(await counters(book.lent)).toEqual({ total: 4, available: 3 });
    const { rows } = await pool.query("select to_regclass('copies') as copies, count(*)::int as loans from loans");
    expect(rows[0]).toEqual({ copies: null, loans: 5 });
    await migrateUp(pool, BOOK_MIGRATIONS);
    expect(await counters(book.plain)).toEqual({ total: 2, available: 1 });
  });
});
