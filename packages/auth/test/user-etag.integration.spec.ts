import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { AuthService } from "@lms/gen/library/auth/v1/auth_pb";
import { errorReasonOf } from "@lms/platform/testing/error-details";
import { rest } from "@lms/platform/testing/rest-client";
import { holdRowLock } from "@lms/platform/testing/row-lock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type AuthSuite, type Body, newMember, post, startAuthSuite, stopAuthSuite } from "./auth-test-app.js";

const SERVER_KEY = "user-etag-integration-key";

// DESIGN.md §2 ETag / If-Match (AIP-154) on users: GetUser carries an ETag, UpdateUser answers
// one and honours If-Match; REST and in-process gRPC on a real PostgreSQL.
describe("user ETags (PostgreSQL)", () => {
  let suite: AuthSuite;
  let admin: string;
  beforeAll(async () => {
    suite = await startAuthSuite({ SERVER_KEY });
    admin = String((await post(suite.base, "login", ADMIN)).body.accessToken);
  });
  afterAll(() => stopAuthSuite(suite));

  const read = (id: string, headers: Record<string, string> = {}) =>
    rest<Body>(suite.base, "GET", `/api/v1/users/${id}`, { token: admin, headers });
  const patch = (id: string, body: unknown, ifMatch?: string) =>
    rest<Body>(suite.base, "PATCH", `/api/v1/users/${id}`, {
      token: admin,
      body,
      headers: ifMatch === undefined ? {} : { "if-match": ifMatch },
    });

  it("GetUser carries an ETag that UpdateUser moves; If-None-Match answers 304 until then", async () => {
    const { id, accessToken } = await newMember(suite.base, "etag-read@example.org");
    const first = await read(id);
    const tag = String(first.headers.get("etag"));
    expect(tag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const own = await rest<Body>(suite.base, "GET", `/api/v1/users/${id}`, { token: accessToken });
    expect(own.headers.get("etag")).toBe(tag);
    expect((await read(id, { "if-none-match": tag })).status).toBe(304);

    const updated = await patch(id, { patronGroup: "staff" }, tag);
    expect(updated.status).toBe(200);
    const fresh = String(updated.headers.get("etag"));
    expect(fresh).not.toBe(tag);
    expect((await read(id)).headers.get("etag")).toBe(fresh);
    expect((await read(id, { "if-none-match": tag })).status).toBe(200);
  });

  it("refuses a stale If-Match with 412 ETAG_MISMATCH and changes nothing, an empty patch included", async () => {
    const { id } = await newMember(suite.base, "etag-stale@example.org");
    const stale = String((await read(id)).headers.get("etag"));
    expect((await patch(id, { name: "First" }, stale)).status).toBe(200);
    const before = await read(id);

    const refused = await patch(id, { name: "Lost Update", patronGroup: "vip" }, stale);
    expect([refused.status, refused.body.code, errorReasonOf(refused.body)]).toEqual([412, 10, "ETAG_MISMATCH"]);
    expect((await patch(id, {}, stale)).status).toBe(412);
    const after = await read(id);
    expect(after.body).toEqual(before.body);
    expect(after.headers.get("etag")).toBe(before.headers.get("etag"));
    expect((await patch(id, { name: "Second" }, "*")).status).toBe(200);
  });

  it("lets exactly one of two concurrent UpdateUser calls with the same If-Match through", async () => {
    const { id } = await newMember(suite.base, "etag-race@example.org");
    const tag = String((await read(id)).headers.get("etag"));
    const lock = await holdRowLock(suite.app.db.pool, "users", id);
    const racing = ["Left", "Right"].map((name) => patch(id, { name }, tag));
    await lock.waitForWaiters(2);
    await lock.release();
    const results = await Promise.all(racing);
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    expect((await read(id)).body.name).toBe(results.find((r) => r.status === 200)?.body.name);
  });

  it("over gRPC: the ETag is response metadata, and a stale if-match is ABORTED with ETAG_MISMATCH", async () => {
    const { id } = await newMember(suite.base, "etag-grpc@example.org");
    const client = createClient(AuthService, suite.app.transport);
    const headers = { "x-server-key": SERVER_KEY, authorization: `Bearer ${admin}` };
    let metadata: Headers | undefined;
    await client.getUser({ id }, { headers, onHeader: (h) => (metadata = h) });
    const tag = String(metadata?.get("etag"));
    expect(tag).toBe((await read(id)).headers.get("etag"));
    await client.updateUser({ id, name: "Tenar" }, { headers: { ...headers, "if-match": tag } });
    const err = ConnectError.from(
      await client.updateUser({ id, name: "Arha" }, { headers: { ...headers, "if-match": tag } }).catch((e) => e),
    );
    expect([err.code, err.findDetails(ErrorInfoSchema)[0]?.reason]).toEqual([Code.Aborted, "ETAG_MISMATCH"]);
    expect((await read(id)).body.name).toBe("Tenar");
  });
});
