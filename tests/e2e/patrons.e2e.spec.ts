import * as grpc from "@grpc/grpc-js";
import { createPatronDirectoryClient } from "@lms/book/clients/auth.client";
import { rest } from "@lms/platform/testing/rest-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Body, registerMember } from "./support/fixtures.js";
import { grpcClient, grpcCode } from "./support/grpc-clients.js";
import { ADMIN, SERVER_KEY, type Stack, startStack } from "./support/stack.js";

type Member = { userId: string; token: string };

// DESIGN.md §8 Patrons through a real auth process on a real PostgreSQL: REST, @grpc/grpc-js, and
// the book service's own client of BatchGetUsers.
describe("patrons end to end", () => {
  let stack: Stack;
  let auth: string;
  let admin: string;
  let ann: Member;
  let bob: Member;

  beforeAll(async () => {
    stack = await startStack(["auth"]);
    auth = stack.services.auth.baseUrl;
    admin = String((await rest<Body>(auth, "POST", "/api/v1/auth/login", { body: ADMIN })).body.accessToken);
    ann = await registerMember(auth, "ann@patrons.e2e");
    bob = await registerMember(auth, "bob@patrons.e2e");
  });
  afterAll(async () => stack?.stop());

  const get = (path: string, token?: string) => rest<Body>(auth, "GET", path, { token });
  const cardOf = async (id: string) => String((await get(`/api/v1/users/${id}`, admin)).body.cardNumber);

  describe("over REST", () => {
    it("GetUser: a member reads themself (with their card), not another (403); a librarian reads anyone", async () => {
      const self = await get(`/api/v1/users/${ann.userId}`, ann.token);
      expect(self.status).toBe(200);
      expect(self.body).toMatchObject({ id: ann.userId, email: "ann@patrons.e2e", patronGroup: "default" });
      expect(String(self.body.cardNumber)).toMatch(/^[0-9]{10}$/);
      const other = await get(`/api/v1/users/${bob.userId}`, ann.token);
      expect(other.status).toBe(403);
      expect(other.body.code).toBe(7);
      expect((await get(`/api/v1/users/${bob.userId}`, admin)).body).toMatchObject({ id: bob.userId });
    });

    it("ListUsers: finds by email, name and card number; members are refused", async () => {
      const byEmail = await get("/api/v1/users?q=bob%40patrons", admin);
      expect(byEmail.body).toMatchObject({ totalSize: 1, nextPageToken: "", users: [{ id: bob.userId }] });
      const byCard = await get(`/api/v1/users?q=${await cardOf(ann.userId)}`, admin);
      expect((byCard.body.users as Body[]).map((u) => u.id)).toEqual([ann.userId]);
      const byName = await get("/api/v1/users?q=READER&pageSize=1", admin);
      expect(byName.body.totalSize).toBe(2);
      expect(byName.body.nextPageToken).not.toBe("");
      expect((await get("/api/v1/users", ann.token)).status).toBe(403);
    });

    it("UpdateUser: a librarian changes the masked field only; a member is refused; bad input is 400", async () => {
      const path = `/api/v1/users/${bob.userId}`;
      const res = await rest<Body>(auth, "PATCH", path, {
        token: admin,
        body: { name: "Not me", patronGroup: "Staff", updateMask: "patronGroup" },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: "Reader", patronGroup: "staff" });
      expect((await rest<Body>(auth, "PATCH", path, { token: bob.token, body: { patronGroup: "vip" } })).status).toBe(403);
      const bad = await rest<Body>(auth, "PATCH", path, { token: admin, body: { name: "", patronGroup: "*" } });
      expect(bad.status).toBe(400);
      expect((await get(path, admin)).body).toMatchObject({ name: "Reader", patronGroup: "staff" });
    });
  });

  describe("over gRPC with @grpc/grpc-js", () => {
    it("BatchGetUsers is refused without the server key or with a wrong one, and answers with it", async () => {
      const client = grpcClient("auth", "AuthService", stack.grpcAddr.auth);
      const req = { ids: [ann.userId], cardNumbers: [await cardOf(bob.userId)] };
      expect(await grpcCode(client.call("batchGetUsers", req))).toBe(grpc.status.UNAUTHENTICATED);
      expect(await grpcCode(client.call("batchGetUsers", req, { "x-server-key": "wrong" }))).toBe(grpc.status.UNAUTHENTICATED);
      const res = await client.call("batchGetUsers", req, { "x-server-key": SERVER_KEY });
      expect((res.users as Body[]).map((u) => u.email)).toEqual(["ann@patrons.e2e", "bob@patrons.e2e"]);
      expect(await grpcCode(client.call("batchGetUsers", { cardNumbers: ["12"] }, { "x-server-key": SERVER_KEY }))).toBe(
        grpc.status.INVALID_ARGUMENT,
      );
      client.close();
    });

    it("GetUser and UpdateUser apply the same rules as REST", async () => {
      const client = grpcClient("auth", "AuthService", stack.grpcAddr.auth);
      const as = (token: string) => ({ "x-server-key": SERVER_KEY, authorization: `Bearer ${token}` });
      expect(await client.call("getUser", { id: ann.userId }, as(ann.token))).toMatchObject({ id: ann.userId, role: "ROLE_MEMBER" });
      expect(await grpcCode(client.call("getUser", { id: bob.userId }, as(ann.token)))).toBe(grpc.status.PERMISSION_DENIED);
      expect(await grpcCode(client.call("getUser", { id: ann.userId }, { "x-server-key": SERVER_KEY }))).toBe(grpc.status.UNAUTHENTICATED);
      const updated = await client.call("updateUser", { id: ann.userId, patronGroup: "under_18" }, as(admin));
      expect(updated).toMatchObject({ id: ann.userId, patronGroup: "under_18", name: "Reader" });
      expect(await grpcCode(client.call("updateUser", { id: ann.userId, name: "X" }, as(ann.token)))).toBe(grpc.status.PERMISSION_DENIED);
      client.close();
    });
  });

  describe("the book service's client (clients/auth.client.ts)", () => {
    const clientOf = (serverKey = SERVER_KEY, address = stack.grpcAddr.auth) =>
      createPatronDirectoryClient({ address, serverKey, timeoutMs: 3000 });

    it("finds patrons by id and by scanned card number, with their groups, leaving unknown ones out", async () => {
      const annCard = await cardOf(ann.userId);
      const found = await clientOf().findPatrons({ ids: [bob.userId, "3f1e2d3c-0000-4000-8000-000000000000"], cardNumbers: [annCard] });
      expect(found).toEqual([
        { id: bob.userId, patronGroup: "staff", cardNumber: await cardOf(bob.userId) },
        { id: ann.userId, patronGroup: "under_18", cardNumber: annCard },
      ]);
      expect(await clientOf().findPatrons({})).toEqual([]);
    });

    it("passes a malformed card number on as INVALID_ARGUMENT, and a refused key or a peer that is down as UNAVAILABLE", async () => {
      await expect(clientOf().findPatrons({ cardNumbers: ["1234"] })).rejects.toMatchObject({ code: 3 });
      await expect(clientOf("wrong-key").findPatrons({ ids: [ann.userId] })).rejects.toMatchObject({ code: 14 });
      // The book service's reserved gRPC address: nothing listens there in this stack.
      await expect(clientOf(SERVER_KEY, stack.grpcAddr.book).findPatrons({ ids: [ann.userId] })).rejects.toMatchObject({ code: 14 });
    });
  });
});
