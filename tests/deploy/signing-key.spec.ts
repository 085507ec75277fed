// The signing-key rotation that docs/operations.md describes, step by step against the real
// auth schema: add a key with deploy/signing-key.ts, (re)load the keys as a restarted replica
// does, retire the old key with the documented UPDATE.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { loadSigningKeys, type SigningKeys } from "@lms/auth/domain/signing-keys";
import { migrateUp, migrationsDirOf, REPO_ROOT } from "@lms/platform";
import { createTestDatabase, type TestDatabase } from "@lms/platform/testing/test-database";
import { jwtVerify, SignJWT } from "jose";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("rotating the auth signing keys (docs/operations.md)", () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase("deploy_keys");
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    await migrateUp(pool, migrationsDirOf("auth"));
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  let oldToken: string;
  const sign = (key: SigningKeys["signing"]) =>
    new SignJWT({}).setProtectedHeader({ alg: "EdDSA", kid: key.kid }).setExpirationTime("5m").sign(key.privateKey);

  it("adds a key with deploy/signing-key.ts; replicas started afterwards sign with it and publish both", async () => {
    const running = await loadSigningKeys(pool); // first start: creates the first key
    const old = running.signing;
    const tool = spawnSync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "deploy", "signing-key.ts")], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
    expect(tool.status, tool.stderr).toBe(0);
    await pool.query(tool.stdout);

    const restarted = await loadSigningKeys(pool);
    expect(restarted.signing.kid).not.toBe(old.kid);
    expect(
      restarted
        .jwks()
        .keys.map((k) => k.kid)
        .sort(),
    ).toEqual([old.kid, restarted.signing.kid].sort());
    // A replica that is not restarted still signs with, and publishes, what it loaded at start.
    expect(running.signing.kid).toBe(old.kid);
    expect(running.jwks().keys.map((k) => k.kid)).toEqual([old.kid]);
    // Tokens of the old key still verify on a restarted replica until the key is retired.
    oldToken = await sign(old);
    await expect(jwtVerify(oldToken, restarted.getKey)).resolves.toBeDefined();
    await expect(jwtVerify(await sign(restarted.signing), restarted.getKey)).resolves.toBeDefined();
  });

  it("retires the old key with the documented UPDATE: replicas started afterwards stop publishing it", async () => {
    const before = await loadSigningKeys(pool);
    const [current, old] = (await pool.query<{ kid: string }>("select kid from signing_keys order by created_at desc")).rows;
    await pool.query("update signing_keys set retired_at = now() where kid = $1", [old.kid]);
    const after = await loadSigningKeys(pool);
    expect(after.jwks().keys.map((k) => k.kid)).toEqual([current.kid]);
    expect(after.signing.kid).toBe(before.signing.kid);
    await expect(jwtVerify(oldToken, after.getKey)).rejects.toThrow();
  });

  it("creates a fresh key by itself at start when every key is retired (emergency rotation)", async () => {
    await pool.query("update signing_keys set retired_at = now() where retired_at is null");
    const fresh = await loadSigningKeys(pool);
    const { rows } = await pool.query<{ kid: string }>("select kid from signing_keys where retired_at is null");
    expect(rows.map((r) => r.kid)).toEqual([fresh.signing.kid]);
    await expect(jwtVerify(oldToken, fresh.getKey)).rejects.toThrow();
  });
});
