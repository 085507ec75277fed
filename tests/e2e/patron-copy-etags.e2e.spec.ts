import * as grpc from "@grpc/grpc-js";
import { rest } from "@lms/platform/testing/rest-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CirculationStack, startCirculationStack } from "./support/circulation-stack.js";
import { type Body, reasonOf, registerMember } from "./support/fixtures.js";
import { errorInfoOf, grpcClient, grpcRefusal } from "./support/grpc-clients.js";

// DESIGN.md §2 ETag / If-Match (AIP-154) on users (GetUser, UpdateUser) and copies (UpdateCopy)
// through the real auth and book processes, over REST and @grpc/grpc-js.
describe("user and copy ETags end to end", () => {
  let c: CirculationStack;
  beforeAll(async () => {
    c = await startCirculationStack();
  });
  afterAll(async () => c?.stop());

  const getUser = (id: string) => rest<Body>(c.auth, "GET", `/api/v1/users/${id}`, { token: c.admin });
  const patchUser = (id: string, body: unknown, ifMatch: string) =>
    rest<Body>(c.auth, "PATCH", `/api/v1/users/${id}`, { token: c.admin, body, headers: { "if-match": ifMatch } });
  const setCopy = (id: string, status: string, headers: Record<string, string> = {}) =>
    c.call("PATCH", `/api/v1/copies/${id}`, c.admin, { status }, headers);
  const copyOf = async (bookId: string) => ((await c.call("GET", `/api/v1/books/${bookId}/copies`)).body.copies as Body[])[0];

  it("REST UpdateUser: a stale If-Match is 412 and changes nothing; the current one is 200 with the new ETag GetUser then gives", async () => {
    const { userId } = await registerMember(c.auth, "etag-user@e2e.test");
    const first = await getUser(userId);
    const tag = String(first.headers.get("etag"));
    expect(tag).toMatch(/^".+"$/);

    const current = await patchUser(userId, { patronGroup: "staff" }, tag);
    expect([current.status, current.body.patronGroup]).toEqual([200, "staff"]);
    const fresh = String(current.headers.get("etag"));
    expect(fresh).not.toBe(tag);
    expect((await getUser(userId)).headers.get("etag")).toBe(fresh);

    const stale = await patchUser(userId, { name: "Lost Update" }, tag);
    expect([stale.status, stale.body.code, reasonOf(stale.body)]).toEqual([412, 10, "ETAG_MISMATCH"]);
    const after = await getUser(userId);
    expect(after.body).toEqual(current.body);
    expect(after.headers.get("etag")).toBe(fresh);
  });

  it("REST UpdateCopy: answers the copy's ETag; a stale If-Match is 412 and changes nothing; the current one is 200", async () => {
    const bookId = await c.shelve("ETAG-C1");
    const copy = await copyOf(bookId);
    const lost = await setCopy(String(copy.id), "COPY_STATUS_LOST");
    const tag = String(lost.headers.get("etag"));
    expect([lost.status, tag]).toEqual([200, expect.stringMatching(/^".+"$/)]);

    const current = await setCopy(String(copy.id), "COPY_STATUS_WITHDRAWN", { "if-match": tag });
    expect([current.status, current.body.status]).toEqual([200, "COPY_STATUS_WITHDRAWN"]);
    expect(current.headers.get("etag")).not.toBe(tag);

    const stale = await setCopy(String(copy.id), "COPY_STATUS_AVAILABLE", { "if-match": tag });
    expect([stale.status, stale.body.code, reasonOf(stale.body)]).toEqual([412, 10, "ETAG_MISMATCH"]);
    expect(await copyOf(bookId)).toEqual(current.body);
    expect((await c.call("GET", `/api/v1/books/${bookId}`)).body).toMatchObject({ totalCopies: 0, availableCopies: 0 });
  });

  it("gRPC: the ETags are response metadata, and a stale if-match is ABORTED with ErrorInfo ETAG_MISMATCH", async () => {
    const { userId } = await registerMember(c.auth, "etag-grpc@e2e.test");
    const auth = grpcClient("auth", "AuthService", c.stack.grpcAddr.auth);
    try {
      const md = c.metadata(c.admin);
      const read = await auth.callWithHeaders("getUser", { id: userId }, md);
      const [tag] = read.headers.get("etag");
      expect(tag).toBe((await getUser(userId)).headers.get("etag"));
      const updated = await auth.callWithHeaders(
        "updateUser",
        { id: userId, name: "Tenar" },
        c.metadata(c.admin, { "if-match": String(tag) }),
      );
      expect(updated.headers.get("etag")).toEqual([(await getUser(userId)).headers.get("etag")]);
      const err = await grpcRefusal(
        auth.call("updateUser", { id: userId, name: "Arha" }, c.metadata(c.admin, { "if-match": String(tag) })),
      );
      expect([err.code, errorInfoOf(err)?.reason, errorInfoOf(err)?.domain]).toEqual([
        grpc.status.ABORTED,
        "ETAG_MISMATCH",
        "library.auth.v1",
      ]);
      expect((await getUser(userId)).body.name).toBe("Tenar");
    } finally {
      auth.close();
    }

    const copy = await copyOf(await c.shelve("ETAG-G1"));
    await c.withBookClient(async (books) => {
      const lost = await books.callWithHeaders("updateCopy", { id: copy.id, status: "COPY_STATUS_LOST" }, c.metadata(c.admin));
      const stale = c.metadata(c.admin, { "if-match": String(lost.headers.get("etag")[0]) });
      await books.call("updateCopy", { id: copy.id, status: "COPY_STATUS_WITHDRAWN" }, stale);
      const err = await grpcRefusal(books.call("updateCopy", { id: copy.id, status: "COPY_STATUS_AVAILABLE" }, stale));
      expect([err.code, errorInfoOf(err)?.reason, errorInfoOf(err)?.domain]).toEqual([
        grpc.status.ABORTED,
        "ETAG_MISMATCH",
        "library.book.v1",
      ]);
    });
    expect((await copyOf(String(copy.bookId))).status).toBe("COPY_STATUS_WITHDRAWN");
  });
});
