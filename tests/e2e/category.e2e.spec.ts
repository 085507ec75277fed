import { randomUUID } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import { rest } from "@lms/platform/testing/rest-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpcClient, grpcCode } from "./support/grpc-clients.js";
import { ADMIN, SERVER_KEY, type Stack, startStack } from "./support/stack.js";

type Body = Record<string, unknown> & { code?: number; details?: Record<string, unknown>[] };

// Real processes (auth + category), real PostgreSQL, REST over HTTP and gRPC through @grpc/grpc-js.
describe("category service end to end", () => {
  let stack: Stack;
  let auth: string;
  let category: string;
  let adminToken: string;

  beforeAll(async () => {
    stack = await startStack(["auth", "category"]);
    auth = stack.services.auth.baseUrl;
    category = stack.services.category.baseUrl;
    const login = await rest<Body>(auth, "POST", "/api/v1/auth/login", { body: ADMIN });
    expect(login.status).toBe(200);
    adminToken = String(login.body.accessToken);
  });
  afterAll(async () => stack?.stop());

  const memberToken = async (email: string) => {
    const body = { email, password: "correct horse", name: "Reader" };
    expect((await rest<Body>(auth, "POST", "/api/v1/auth/register", { body })).status).toBe(201);
    const login = await rest<Body>(auth, "POST", "/api/v1/auth/login", { body: { email, password: body.password } });
    return String(login.body.accessToken);
  };

  it("walks create root → create child → link an item → read back over REST", async () => {
    const root = await rest<Body>(category, "POST", "/api/v1/categories", { token: adminToken, body: { name: "E2E Root" } });
    expect(root.status).toBe(201);
    const child = await rest<Body>(category, "POST", "/api/v1/categories", {
      token: adminToken,
      body: { name: "E2E Child", description: "under root", parentId: root.body.id },
    });
    expect(child.body).toMatchObject({ name: "E2E Child", parentId: root.body.id });
    const children = await rest<Body>(category, "GET", `/api/v1/categories?parentId=${root.body.id}`);
    expect(children.body).toMatchObject({ totalSize: 1, nextPageToken: "" });
    const item = randomUUID();
    const linked = await rest<Body>(category, "PUT", `/api/v1/items/${item}/categories`, {
      token: adminToken,
      body: { categoryIds: [child.body.id, root.body.id] },
    });
    expect(linked.status).toBe(200);
    expect((linked.body.addedCategoryIds as string[]).sort()).toEqual([String(child.body.id), String(root.body.id)].sort());
    const read = await rest<Body>(category, "GET", `/api/v1/items/${item}/categories`);
    expect((read.body.categories as Body[]).map((c) => c.name)).toEqual(["E2E Child", "E2E Root"]);
  });

  it("verifies auth's tokens through the JWKS: a member's write is 403", async () => {
    const member = await memberToken("category-member@e2e.test");
    const res = await rest<Body>(category, "POST", "/api/v1/categories", { token: member, body: { name: "Nope" } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe(7);
  });

  describe("over gRPC with @grpc/grpc-js", () => {
    it("refuses calls without or with a wrong server key (UNAUTHENTICATED)", async () => {
      const client = grpcClient("category", "CategoryService", stack.grpcAddr.category);
      expect(await grpcCode(client.call("listCategories", {}))).toBe(grpc.status.UNAUTHENTICATED);
      expect(await grpcCode(client.call("batchGetItemCategories", { itemIds: [] }, { "x-server-key": "wrong" }))).toBe(
        grpc.status.UNAUTHENTICATED,
      );
      expect(await grpcCode(client.call("listCategories", {}, { "x-server-key": SERVER_KEY }))).toBe("ok");
      client.close();
    });

    it("answers the gRPC-only BatchGetItemCategories with the server key, in request order", async () => {
      const client = grpcClient("category", "CategoryService", stack.grpcAddr.category);
      const key = { "x-server-key": SERVER_KEY };
      const cat = await client.call("createCategory", { name: "E2E gRPC" }, { ...key, authorization: `Bearer ${adminToken}` });
      const [linked, unknown] = [randomUUID(), randomUUID()];
      await client.call(
        "bulkAddItemToCategories",
        { itemId: linked, categoryIds: [cat.id] },
        { ...key, authorization: `Bearer ${adminToken}` },
      );
      const res = await client.call("batchGetItemCategories", { itemIds: [unknown, linked] }, key);
      expect(res.items).toEqual([
        { itemId: unknown, categoryIds: [] },
        { itemId: linked, categoryIds: [cat.id] },
      ]);
      client.close();
    });

    it("applies the role rules: CreateCategory with the key but a member token is PERMISSION_DENIED", async () => {
      const client = grpcClient("category", "CategoryService", stack.grpcAddr.category);
      const member = await memberToken("category-grpc-member@e2e.test");
      const call = (token?: string) =>
        client.call(
          "createCategory",
          { name: "Via gRPC" },
          { "x-server-key": SERVER_KEY, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        );
      expect(await grpcCode(call())).toBe(grpc.status.UNAUTHENTICATED);
      expect(await grpcCode(call(member))).toBe(grpc.status.PERMISSION_DENIED);
      expect((await call(adminToken)).name).toBe("Via gRPC");
      expect(await grpcCode(call(adminToken))).toBe(grpc.status.ALREADY_EXISTS);
      client.close();
    });
  });

  it("stops on SIGTERM with exit code 0", async () => {
    expect(await stack.services.category.stop()).toBe(0);
  });
});
