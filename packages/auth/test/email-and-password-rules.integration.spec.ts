import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateUp, migrationsDirOf } from "@lms/platform";
import { createTestDatabase, type TestDatabase } from "@lms/platform/testing/test-database";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuthApp, type Body, post, startAuthSuite, stopAuthSuite } from "./auth-test-app.js";

// Issue 14 item 9b, 9c: common passwords refused; emails NFKC-normalised, invisible characters refused.
describe("email and password rules (PostgreSQL)", () => {
  let database: TestDatabase;
  let app: AuthApp;
  let base: string;

  const userCount = async () => (await app.db.pool.query<{ n: number }>("select count(*)::int as n from users")).rows[0].n;

  beforeAll(async () => {
    ({ database, app, base } = await startAuthSuite());
  });
  afterAll(() => stopAuthSuite({ app, database }));

  it.each([
    ["a zero-width space", "a\u200B@x.org"],
    ["a zero-width joiner", "ad\u200Dmin@x.org"],
    ["a byte-order mark in front", "\uFEFFa@x.org"],
    ["a soft hyphen", "a\u00ADb@x.org"],
    ["a right-to-left override", "a\u202Eb@x.org"],
  ])("refuses to register an email with %s (400 on email), creating nothing", async (_what, email) => {
    const before = await userCount();
    const res = await post(base, "register", { email, password: "a-fine-password", name: "Ghost" });
    expect(res.status).toBe(400);
    expect(res.body.details?.[0]).toMatchObject({ fieldViolations: [expect.objectContaining({ field: "email" })] });
    expect(await userCount()).toBe(before);
  });

  it("logs in a full-width spelling of an email as the email itself", async () => {
    expect((await post(base, "register", { email: "abc@example.org", password: "alphabet-soup", name: "Abc" })).status).toBe(201);
    const login = await post(base, "login", { email: "ＡＢＣ@example.org", password: "alphabet-soup" });
    expect(login.status).toBe(200);
    const verified = await post(base, "verify", { token: login.body.accessToken });
    expect(verified.body).toMatchObject({ valid: true, email: "abc@example.org" });
  });

  it("refuses registering a look-alike (equal after NFKC) of an existing email with 409", async () => {
    const res = await post(base, "register", { email: "ａｂｃ@ｅｘａｍｐｌｅ.ｏｒｇ", password: "another-soup", name: "Twin" });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe(6);
  });

  it("stores a full-width registration in its normal form", async () => {
    const res = await post(base, "register", { email: " ＤＥＦ@Example.org ", password: "alphabet-soup", name: "Def" });
    expect((res.body.user as Body).email).toBe("def@example.org");
  });

  it("refuses a common password in any case with 400, a BadRequest on password and PASSWORD_TOO_WEAK", async () => {
    for (const password of ["password1", "PassWord1", "iloveyou", "qwertyuiop"]) {
      const res = await post(base, "register", { email: "weak@example.org", password, name: "Weak" });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(3);
      expect(res.body.details).toEqual([
        expect.objectContaining({
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "PASSWORD_TOO_WEAK",
          domain: "library.auth.v1",
        }),
        expect.objectContaining({
          "@type": "type.googleapis.com/google.rpc.BadRequest",
          fieldViolations: [expect.objectContaining({ field: "password" })],
        }),
      ]);
    }
    expect((await post(base, "register", { email: "weak@example.org", password: "not-so-common-at-all", name: "Weak" })).status).toBe(201);
  });
});

describe("migration 0002 normalises stored emails (PostgreSQL)", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let onlyFirst: string;

  beforeAll(async () => {
    database = await createTestDatabase("auth_mig");
    pool = new pg.Pool({ connectionString: database.url });
    onlyFirst = await mkdtemp(join(tmpdir(), "auth-0001-"));
    for (const f of ["0001_create_auth_tables.up.sql", "0001_create_auth_tables.down.sql"]) {
      await copyFile(join(migrationsDirOf("auth"), f), join(onlyFirst, f));
    }
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
    await rm(onlyFirst, { recursive: true, force: true });
  });

  it("rewrites full-width emails to their normal form, keeping the older account's where two would collide", async () => {
    await migrateUp(pool, onlyFirst);
    const insert = (email: string, at: string) =>
      pool.query("insert into users (email, name, password_hash, role, created_at) values ($1, 'U', 'h', 'ROLE_MEMBER', $2)", [email, at]);
    await insert("ｘｙｚ@example.org", "2026-01-01");
    await insert("plain@example.org", "2026-01-01");
    await insert("ｐｌａｉｎ@example.org", "2026-01-02");
    await insert("ｔｗｉｎ@example.org", "2026-01-01");
    await insert("twｉｎ@example.org", "2026-01-02");
    expect(await migrateUp(pool, migrationsDirOf("auth"))).toContain(2);
    const { rows } = await pool.query<{ email: string }>("select email from users order by created_at, email");
    expect(rows.map((r) => r.email).sort()).toEqual(
      ["plain@example.org", "twin@example.org", "twｉｎ@example.org", "xyz@example.org", "ｐｌａｉｎ@example.org"].sort(),
    );
  });
});
