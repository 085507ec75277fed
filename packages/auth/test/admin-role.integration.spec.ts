import { rest } from "@lms/platform/testing/rest-client";
import type { TestDatabase } from "@lms/platform/testing/test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type AuthApp, type Body, newMember, post, startAuthSuite, stopAuthSuite } from "./auth-test-app.js";

const setRole = (base: string, userId: string, role: string, token: string) =>
  rest<Body>(base, "PUT", `/api/v1/auth/users/${userId}/role`, { body: { role }, token });

// Issue 14 item 8: the last admin cannot lose the admin role, even when admins demote each other at once.
describe("the last admin (PostgreSQL)", () => {
  let database: TestDatabase;
  let app: AuthApp;
  let base: string;

  const admins = async () =>
    (await app.db.pool.query<{ id: string }>("select id from users where role = 'ROLE_ADMIN' order by id")).rows.map((r) => r.id);
  const loginAs = async (email: string, password: string) => {
    const res = await post(base, "login", { email, password });
    return String(res.body.accessToken);
  };

  beforeAll(async () => {
    ({ database, app, base } = await startAuthSuite());
  });
  afterAll(() => stopAuthSuite({ app, database }));

  it("refuses the only admin demoting itself with 400 LAST_ADMIN, and it stays admin", async () => {
    const [adminId] = await admins();
    const token = await loginAs(ADMIN.email, ADMIN.password);
    const res = await setRole(base, adminId, "ROLE_MEMBER", token);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 9,
      details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "LAST_ADMIN", domain: "library.auth.v1" }],
    });
    expect(await admins()).toEqual([adminId]);
    expect((await setRole(base, adminId, "ROLE_ADMIN", token)).status).toBe(200);
  });

  it("lets an admin be demoted while another one remains", async () => {
    const token = await loginAs(ADMIN.email, ADMIN.password);
    const deputy = await newMember(base, "deputy@example.org", "deputy-password");
    expect((await setRole(base, deputy.id, "ROLE_ADMIN", token)).status).toBe(200);
    expect((await setRole(base, deputy.id, "ROLE_LIBRARIAN", token)).status).toBe(200);
    expect(await admins()).toHaveLength(1);
  });

  it.each([1, 2, 3, 4, 5])("leaves exactly one admin when two admins demote each other at once (round %i)", async (round) => {
    const [survivorId] = await admins();
    const survivor = (await app.db.pool.query<{ email: string }>("select email from users where id = $1", [survivorId])).rows[0].email;
    const survivorPassword = survivor === ADMIN.email ? ADMIN.password : "rival-password";
    const survivorToken = await loginAs(survivor, survivorPassword);
    const rival = await newMember(base, `rival-${round}@example.org`, "rival-password");
    expect((await setRole(base, rival.id, "ROLE_ADMIN", survivorToken)).status).toBe(200);
    const rivalToken = await loginAs(`rival-${round}@example.org`, "rival-password");
    const results = await Promise.all([
      setRole(base, rival.id, "ROLE_MEMBER", survivorToken),
      setRole(base, survivorId, "ROLE_MEMBER", rivalToken),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(results.find((r) => r.status === 400)?.body.details?.[0]).toMatchObject({ reason: "LAST_ADMIN" });
    expect(await admins()).toHaveLength(1);
  });
});
