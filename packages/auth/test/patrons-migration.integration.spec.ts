import { copyFile, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateDown, migrateUp, migrationsDirOf } from "@lms/platform";
import { createTestDatabase, type TestDatabase } from "@lms/platform/testing/test-database";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isCardNumber, luhnCheckDigit } from "../src/domain/patron-fields.js";

// Migration 0003_patrons on a real PostgreSQL: existing users get cards and the default group.
describe("migration 0003 gives existing users patron groups and card numbers (PostgreSQL)", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let beforePatrons: string;
  /** 0001–0003 only, so later migrations do not change what going down one step undoes. */
  let withPatrons: string;

  const insert = (email: string, at: string) =>
    pool.query("insert into users (email, name, password_hash, role, created_at) values ($1, 'U', 'h', 'ROLE_MEMBER', $2)", [email, at]);
  const users = async () =>
    (
      await pool.query<{ email: string; card_number: string; patron_group: string }>(
        "select email, card_number, patron_group from users order by created_at, id",
      )
    ).rows;

  beforeAll(async () => {
    database = await createTestDatabase("auth_mig3");
    pool = new pg.Pool({ connectionString: database.url });
    beforePatrons = await mkdtemp(join(tmpdir(), "auth-0002-"));
    withPatrons = await mkdtemp(join(tmpdir(), "auth-0003-"));
    for (const f of await readdir(migrationsDirOf("auth"))) {
      if (/^000[12]_/.test(f)) await copyFile(join(migrationsDirOf("auth"), f), join(beforePatrons, f));
      if (/^000[123]_/.test(f)) await copyFile(join(migrationsDirOf("auth"), f), join(withPatrons, f));
    }
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
    await rm(beforePatrons, { recursive: true, force: true });
    await rm(withPatrons, { recursive: true, force: true });
  });

  it("numbers existing users' cards in registration order, then continues the sequence", async () => {
    await migrateUp(pool, beforePatrons);
    await insert("second@example.org", "2026-02-01");
    await insert("first@example.org", "2026-01-01");
    await insert("third@example.org", "2026-03-01");
    expect(await migrateUp(pool, withPatrons)).toEqual([3]);
    const backfilled = await users();
    expect(backfilled.map((u) => [u.email, u.card_number, u.patron_group])).toEqual([
      ["first@example.org", "1000000008", "default"],
      ["second@example.org", "1000000016", "default"],
      ["third@example.org", "1000000024", "default"],
    ]);
    await insert("new@example.org", "2026-04-01");
    const added = (await users())[3];
    expect(added.card_number).toBe(`100000003${luhnCheckDigit("100000003")}`);
    expect((await users()).every((u) => isCardNumber(u.card_number))).toBe(true);
  });

  it("computes the same check digit in SQL as the service does, over many numbers", async () => {
    const { rows } = await pool.query<{ n: string; card: string }>(
      "select n::text, library_card_number(n) as card from generate_series(100000000::bigint, 100000999) as n union all select '999999999', library_card_number(999999999)",
    );
    for (const { n, card } of rows) expect(card).toBe(`${n}${luhnCheckDigit(n)}`);
  });

  it("keeps the database's own rules: group format, card format and uniqueness", async () => {
    await expect(pool.query("update users set patron_group = 'Staff' where email = 'first@example.org'")).rejects.toMatchObject({
      constraint: "users_patron_group_format",
    });
    await expect(pool.query("update users set card_number = '12' where email = 'first@example.org'")).rejects.toMatchObject({
      constraint: "users_card_number_format",
    });
    await expect(pool.query("update users set card_number = '1000000016' where email = 'first@example.org'")).rejects.toMatchObject({
      constraint: "users_card_number_key",
    });
  });

  it("goes down and up again cleanly", async () => {
    expect(await migrateDown(pool, withPatrons)).toEqual([3]);
    const { rows } = await pool.query(
      "select column_name from information_schema.columns where table_name = 'users' and column_name in ('card_number', 'patron_group')",
    );
    expect(rows).toEqual([]);
    expect(await migrateUp(pool, withPatrons)).toEqual([3]);
    expect((await users()).map((u) => u.card_number)).toEqual(["1000000008", "1000000016", "1000000024", "1000000032"]);
  });
});
