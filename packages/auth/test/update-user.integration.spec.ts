import { createClient } from "@connectrpc/connect";
import { AuthService } from "@lms/gen/library/auth/v1/auth_pb";
import { violatedFields } from "@lms/platform/testing/error-details";
import { rest } from "@lms/platform/testing/rest-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type AuthSuite, type Body, newMember, post, startAuthSuite, stopAuthSuite } from "./auth-test-app.js";

const SERVER_KEY = "update-user-integration-key";

// UpdateUser (PATCH /api/v1/users/{id}, AIP-134 updateMask in the body) on a real PostgreSQL.
describe("UpdateUser (PostgreSQL)", () => {
  let suite: AuthSuite;
  let admin: string;
  let user: { id: string; accessToken: string };
  const patch = (body: unknown, token = admin, id = user.id) => rest<Body>(suite.base, "PATCH", `/api/v1/users/${id}`, { body, token });
  const stored = async () =>
    (
      await suite.app.db.pool.query<{ name: string; patron_group: string; email: string; role: string; card_number: string }>(
        "select name, patron_group, email, role, card_number from users where id = $1",
        [user.id],
      )
    ).rows[0];

  beforeAll(async () => {
    suite = await startAuthSuite({ SERVER_KEY });
    admin = String((await post(suite.base, "login", ADMIN)).body.accessToken);
    user = await newMember(suite.base, "patch@example.org");
  });
  afterAll(() => stopAuthSuite(suite));

  it("changes only the fields the mask names, lower-casing the group", async () => {
    const before = await stored();
    const res = await patch({ name: "Ignored", patronGroup: "Staff", updateMask: "patronGroup" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, name: "Member", patronGroup: "staff", cardNumber: before.card_number });
    expect(await stored()).toEqual({ ...before, patron_group: "staff" });
  });

  it("without a mask changes the fields present in the body; an empty one is refused, not ignored", async () => {
    expect((await patch({ name: "  Ged  " })).body).toMatchObject({ name: "Ged", patronGroup: "staff" });
    const empty = await patch({ name: "" });
    expect(empty.status).toBe(400);
    expect(violatedFields(empty.body)).toEqual(["name"]);
    expect((await stored()).name).toBe("Ged");
  });

  it("takes * as every writable field, and ignores output-only paths", async () => {
    const res = await patch({ name: "Sparrowhawk", patronGroup: "wizards", updateMask: "*" });
    expect(res.body).toMatchObject({ name: "Sparrowhawk", patronGroup: "wizards" });
    const ignored = await patch({ name: "Ogion", updateMask: "name,cardNumber,createdAt,id" });
    expect(ignored.body).toMatchObject({ name: "Ogion", patronGroup: "wizards" });
  });

  it("reports every invalid field at once and changes nothing", async () => {
    const before = await stored();
    const res = await patch({ name: "x".repeat(201), patronGroup: "*", updateMask: "name,patronGroup" });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(3);
    expect(violatedFields(res.body)).toEqual(["name", "patronGroup"]);
    expect(await stored()).toEqual(before);
  });

  it("refuses a mask naming a field UpdateUser does not change (email, role) or that does not exist", async () => {
    for (const updateMask of ["email", "role", "nickname"]) {
      const res = await patch({ name: "Ogion", updateMask });
      expect(res.status, updateMask).toBe(400);
      expect(violatedFields(res.body)).toEqual(["updateMask"]);
    }
    expect((await patch({ email: "other@example.org" })).status).toBe(400);
    expect((await stored()).email).toBe("patch@example.org");
  });

  it("answers 404 for an unknown user, 400 for a malformed id, 403 for a member, 401 without a token", async () => {
    expect((await patch({ name: "Nobody" }, admin, "3f1e2d3c-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await patch({ name: "Nobody" }, admin, "nope")).status).toBe(400);
    expect((await patch({ patronGroup: "vip" }, user.accessToken)).status).toBe(403);
    expect((await rest<Body>(suite.base, "PATCH", `/api/v1/users/${user.id}`, { body: { name: "Anon" } })).status).toBe(401);
    expect((await stored()).patron_group).toBe("wizards");
  });

  it("over gRPC: without a mask changes the populated fields only (AIP-134)", async () => {
    const client = createClient(AuthService, suite.app.transport);
    const headers = { "x-server-key": SERVER_KEY, authorization: `Bearer ${admin}` };
    const res = await client.updateUser({ id: user.id, patronGroup: "adult" }, { headers });
    expect(res).toMatchObject({ name: "Ogion", patronGroup: "adult" });
    const masked = await client.updateUser({ id: user.id, name: "Aspen", updateMask: { paths: ["name"] } }, { headers });
    expect(masked).toMatchObject({ name: "Aspen", patronGroup: "adult" });
  });
});
