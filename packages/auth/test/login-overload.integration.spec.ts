import { request } from "node:http";
import type { TestDatabase } from "@lms/platform/testing/test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuthApp, newMember, post, startAuthSuite, stopAuthSuite } from "./auth-test-app.js";
import { createGatedHasher, untilMetric } from "./gated-hasher.js";

const statuses = (results: { status: number }[]) => results.map((r) => r.status).sort();

// Issue 14 item 4: the login throttle counts only real failures, exactly, whatever the concurrency.
describe("login throttle under concurrency (PostgreSQL, real argon2)", () => {
  let database: TestDatabase;
  let app: AuthApp;
  let base: string;

  beforeAll(async () => {
    ({ database, app, base } = await startAuthSuite({ LOGIN_MAX_FAILURES: "5" }));
  });
  afterAll(() => stopAuthSuite({ app, database }));

  it("lets 20 concurrent correct logins of one email all succeed", async () => {
    await newMember(base, "crowd@example.org", "crowd-password");
    const results = await Promise.all(
      Array.from({ length: 20 }, () => post(base, "login", { email: "crowd@example.org", password: "crowd-password" })),
    );
    expect(statuses(results)).toEqual(Array(20).fill(200));
  });

  it.each([1, 2, 3])("answers 20 concurrent wrong logins with exactly 5×401 and 15×429 + Retry-After (round %i)", async (round) => {
    const email = `guessed-${round}@example.org`;
    await newMember(base, email, "the-right-one");
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => post(base, "login", { email, password: `wrong-guess-${i}` })));
    expect(statuses(results)).toEqual([...Array(5).fill(401), ...Array(15).fill(429)]);
    for (const limited of results.filter((r) => r.status === 429)) {
      const retryAfter = Number(limited.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(900);
    }
    const { rows } = await app.db.pool.query<{ n: number }>("select count(*)::int as n from login_failures where key = $1", [email]);
    expect(rows[0].n).toBe(5);
    // The right password is refused too while the window is full (a full limit reveals nothing).
    expect((await post(base, "login", { email, password: "the-right-one" })).status).toBe(429);
  });
});

// Issue 14 item 4: bounded argon2 work, load shed with 503 + Retry-After, abandoned work dropped.
describe("the argon2 queue over real REST (PostgreSQL)", () => {
  let database: TestDatabase;
  let app: AuthApp;
  let base: string;
  const gated = createGatedHasher();

  beforeAll(async () => {
    ({ database, app, base } = await startAuthSuite({ ARGON2_CONCURRENCY: "1", ARGON2_QUEUE_MAX: "1" }, { passwords: gated.hasher }));
    await newMember(base, "queued@example.org", "queued-password");
  });
  afterAll(async () => {
    gated.open();
    await app?.stop();
    await database?.drop();
  });

  const login = () => post(base, "login", { email: "queued@example.org", password: "queued-password" });

  it("answers 503 with Retry-After when the queue is full, and serves the queued ones", async () => {
    gated.close();
    const running = login();
    await untilMetric(base, "lms_password_hashes_running", 1);
    const queued = login();
    await untilMetric(base, "lms_password_hashes_queued", 1);
    const shed = await login();
    expect(shed.status).toBe(503);
    expect(shed.body.code).toBe(14);
    expect(Number(shed.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(shed.body.details).toContainEqual({
      "@type": "type.googleapis.com/google.rpc.RetryInfo",
      retryDelay: expect.stringMatching(/^\d+s$/),
    });
    gated.open();
    expect([(await running).status, (await queued).status]).toEqual([200, 200]);
  });

  it("never runs the argon2 check of a login whose client disconnected while it waited", async () => {
    gated.close();
    gated.checked.length = 0;
    const running = login();
    await untilMetric(base, "lms_password_hashes_running", 1);
    const abandoned = request(`${base}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" } });
    abandoned.on("error", () => undefined);
    abandoned.end(JSON.stringify({ email: "queued@example.org", password: "abandoned-password" }));
    await untilMetric(base, "lms_password_hashes_queued", 1);
    abandoned.destroy();
    await untilMetric(base, "lms_password_hashes_dropped_total", 1);
    await untilMetric(base, "lms_password_hashes_queued", 0);
    gated.open();
    expect((await running).status).toBe(200);
    expect(gated.checked).toEqual(["queued-password"]);
  });
});
