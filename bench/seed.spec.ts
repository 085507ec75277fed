import { randomBytes } from "node:crypto";
import { createTestDatabase, TEST_SERVER_URL } from "@lms/platform/testing/test-database";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { checkpoint, vacuumUntilAllVisible } from "./seed.js";

describe("the CHECKPOINT after seeding", () => {
  it("takes its time as a superuser, and reports the refusal to a role without the right", async () => {
    const done = await checkpoint(TEST_SERVER_URL);
    expect(done).toHaveProperty("ms");
    expect((done as { ms: number }).ms).toBeGreaterThanOrEqual(0);

    const role = `bench_spec_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
    await admin.connect();
    try {
      // With a password: the embedded test server asks for one over TCP (a trust server ignores it).
      const password = randomBytes(12).toString("hex");
      await admin.query(`create role ${role} login password '${password}'`);
      const url = new URL(TEST_SERVER_URL);
      url.username = role;
      url.password = password;
      const refused = await checkpoint(url.toString());
      expect(refused).toEqual({ refused: expect.stringMatching(/permission|superuser|pg_checkpoint/i) });
    } finally {
      await admin.query(`drop role if exists ${role}`);
      await admin.end();
    }
  });
});

describe("VACUUM ANALYZE after seeding", () => {
  it("vacuums again until every page is all-visible, once an older snapshot that kept it from marking them is gone", async () => {
    const database = await createTestDatabase("bench_vacuum_spec");
    const seeder = new pg.Client({ connectionString: database.url });
    const reader = new pg.Client({ connectionString: database.url });
    await Promise.all([seeder.connect(), reader.connect()]);
    try {
      await seeder.query("create table rows (id int primary key, note text)");
      // As autovacuum's ANALYZE of a table seeded moments before: a snapshot older than the rows.
      await reader.query("begin isolation level repeatable read");
      await reader.query("select count(*) from pg_class");
      await seeder.query("insert into rows select i, repeat('x', 100) from generate_series(1, 20000) i");

      const held = await vacuumUntilAllVisible(seeder, 2, 10);
      expect(held.passes).toBe(2);
      expect(held.pages).toBeGreaterThan(0);
      expect(held.allVisiblePages).toBeLessThan(held.pages);

      const released = setTimeout(() => void reader.query("commit"), 200);
      const outcome = await vacuumUntilAllVisible(seeder, 20, 100);
      clearTimeout(released);
      expect(outcome.passes).toBeGreaterThan(1);
      expect(outcome.allVisiblePages).toBe(outcome.pages);
    } finally {
      await Promise.all([seeder.end(), reader.end()]);
      await database.drop();
    }
  });
});
