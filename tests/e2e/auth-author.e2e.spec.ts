import * as grpc from "@grpc/grpc-js";
import { rest } from "@lms/platform/testing/rest-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpcClient, grpcCode } from "./support/grpc-clients.js";
import { ADMIN, SERVER_KEY, type Stack, startStack } from "./support/stack.js";

type Body = Record<string, unknown> & { code?: number; details?: Record<string, unknown>[] };

// Real processes (auth + author), real PostgreSQL, REST over HTTP and gRPC through @grpc/grpc-js.
describe("auth and author services end to end", () => {
  let stack: Stack;
  let auth: string;
  let author: string;
  let adminToken: string;

  beforeAll(async () => {
    stack = await startStack(["auth", "author"]);
    auth = stack.services.auth.baseUrl;
    author = stack.services.author.baseUrl;
    const login = await rest<Body>(auth, "POST", "/api/v1/auth/login", { body: ADMIN });
    expect(login.status).toBe(200);
    adminToken = String(login.body.accessToken);
  });
  afterAll(async () => stack?.stop());

  const register = async (email: string) => {
    const res = await rest<Body>(auth, "POST", "/api/v1/auth/register", { body: { email, password: "correct horse", name: "Reader" } });
    expect(res.status).toBe(201);
    const login = await rest<Body>(auth, "POST", "/api/v1/auth/login", { body: { email, password: "correct horse" } });
    return login.body as { accessToken: string; refreshToken: string };
  };

  describe("over REST", () => {
    it("walks register → login → create author (admin) → list", async () => {
      const member = await register("walker@e2e.test");
      const verify = await rest<Body>(auth, "POST", "/api/v1/auth/verify", { body: { token: member.accessToken } });
      expect(verify.body).toMatchObject({ valid: true, email: "walker@e2e.test", role: "ROLE_MEMBER", reason: "" });
      const created = await rest<Body>(author, "POST", "/api/v1/authors", { token: adminToken, body: { name: "Walk Author" } });
      expect(created.status).toBe(201);
      const list = await rest<Body>(author, "GET", "/api/v1/authors?q=walk");
      expect(list.body).toMatchObject({ totalSize: 1, nextPageToken: "" });
      expect((list.body.authors as Body[])[0].id).toBe(created.body.id);
    });

    it("lets the author service verify auth's tokens through the JWKS, refusing a member's write with 403", async () => {
      const member = await register("member403@e2e.test");
      const res = await rest<Body>(author, "POST", "/api/v1/authors", { token: member.accessToken, body: { name: "Nope" } });
      expect(res.status).toBe(403);
    });

    it("refuses tampered and alg:none tokens with 401", async () => {
      const [h, p, s] = adminToken.split(".");
      const tampered = `${h}.${p}.${s.slice(0, -2)}${s.endsWith("AA") ? "BB" : "AA"}`;
      const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${p}.`;
      for (const token of [tampered, none]) {
        const res = await rest<Body>(author, "POST", "/api/v1/authors", { token, body: { name: "Forged" } });
        expect(res.status).toBe(401);
        expect(res.body.code).toBe(16);
      }
    });

    it("answers DeleteAuthor with 503 while no book service runs, and keeps the author", async () => {
      const created = await rest<Body>(author, "POST", "/api/v1/authors", { token: adminToken, body: { name: "Orphan" } });
      const del = await rest<Body>(author, "DELETE", `/api/v1/authors/${created.body.id}`, { token: adminToken });
      expect(del.status).toBe(503);
      expect(del.body.code).toBe(14);
      expect((await rest(author, "GET", `/api/v1/authors/${created.body.id}`)).status).toBe(200);
    });

    it("echoes x-request-id and counts requests in /metrics", async () => {
      const res = await rest(author, "GET", "/api/v1/authors", { headers: { "x-request-id": "e2e-req-42" } });
      expect(res.headers.get("x-request-id")).toBe("e2e-req-42");
      const metrics = await (await fetch(`${author}/metrics`)).text();
      expect(metrics).toMatch(/lms_requests_total\{[^}]*method="ListAuthors"[^}]*code="200"[^}]*\} \d+/);
      expect(stack.services.author.logs()).toContain('"requestId":"e2e-req-42"');
    });

    it("serves the Swagger JSON and UI", async () => {
      const doc = await rest<Body>(author, "GET", "/api/swagger/author.swagger.json");
      expect(doc.body.swagger).toBe("2.0");
      const ui = await fetch(`${auth}/`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain("swagger-ui");
    });

    it("never logs passwords or tokens", async () => {
      await register("secretive@e2e.test");
      expect(stack.services.auth.logs()).not.toContain("correct horse");
      expect(stack.services.auth.logs()).not.toContain(adminToken);
    });
  });

  describe("over gRPC with @grpc/grpc-js", () => {
    it("refuses calls without or with a wrong server key (UNAUTHENTICATED)", async () => {
      const client = grpcClient("author", "AuthorService", stack.grpcAddr.author);
      expect(await grpcCode(client.call("listAuthors", {}))).toBe(grpc.status.UNAUTHENTICATED);
      expect(await grpcCode(client.call("listAuthors", {}, { "x-server-key": "wrong" }))).toBe(grpc.status.UNAUTHENTICATED);
      expect(await grpcCode(client.call("listAuthors", {}, { "x-server-key": SERVER_KEY }))).toBe("ok");
      client.close();
    });

    it("applies the same role rules as REST", async () => {
      const client = grpcClient("author", "AuthorService", stack.grpcAddr.author);
      const member = await register("grpc-member@e2e.test");
      const call = (token?: string) =>
        client.call(
          "createAuthor",
          { name: "Via gRPC" },
          { "x-server-key": SERVER_KEY, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        );
      expect(await grpcCode(call())).toBe(grpc.status.UNAUTHENTICATED);
      expect(await grpcCode(call(member.accessToken))).toBe(grpc.status.PERMISSION_DENIED);
      const created = await call(adminToken);
      expect(created.name).toBe("Via gRPC");
      const got = await client.call("getAuthor", { id: created.id }, { "x-server-key": SERVER_KEY });
      expect(got).toMatchObject({ id: created.id, name: "Via gRPC" });
      expect(await grpcCode(client.call("getAuthor", { id: "nope" }, { "x-server-key": SERVER_KEY }))).toBe(grpc.status.INVALID_ARGUMENT);
      client.close();
    });

    it("logs in, refreshes and detects refresh-token reuse", async () => {
      const client = grpcClient("auth", "AuthService", stack.grpcAddr.auth);
      const key = { "x-server-key": SERVER_KEY };
      await client.call("register", { email: "grpc-user@e2e.test", password: "correct horse", name: "G" }, key);
      const pair = await client.call("login", { email: "grpc-user@e2e.test", password: "correct horse" }, key);
      expect(pair.tokenType).toBe("Bearer");
      const next = await client.call("refreshToken", { refreshToken: pair.refreshToken }, key);
      expect(next.accessToken).not.toBe(pair.accessToken);
      const reuse = client.call("refreshToken", { refreshToken: pair.refreshToken }, key);
      await expect(reuse).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
      expect(await grpcCode(client.call("refreshToken", { refreshToken: next.refreshToken }, key))).toBe(grpc.status.UNAUTHENTICATED);
      client.close();
    });

    it("answers the standard health check without a server key", async () => {
      const { loadSync } = await import("@grpc/proto-loader");
      const { protoPath } = (await import("grpc-health-check")) as unknown as { protoPath: string };
      const pkg = grpc.loadPackageDefinition(loadSync(protoPath, { enums: String })) as unknown as {
        grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
      };
      const health = new pkg.grpc.health.v1.Health(stack.grpcAddr.author, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
        check: (req: object, cb: (err: Error | null, res: { status: string }) => void) => void;
      };
      const res = await new Promise<{ status: string }>((ok, fail) => health.check({ service: "" }, (e, r) => (e ? fail(e) : ok(r))));
      expect(res.status).toBe("SERVING");
      health.close();
    });
  });

  it("stops on SIGTERM with exit code 0", async () => {
    expect(await stack.services.author.stop()).toBe(0);
  });
});
