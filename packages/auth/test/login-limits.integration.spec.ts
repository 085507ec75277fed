import { request } from "node:http";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { REPO_ROOT } from "@lms/platform";
import { createTestDatabase, type TestDatabase } from "@lms/platform/testing/test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuthApp, type Body, buildTestAuthApp, newMember, stopAuthSuite } from "./auth-test-app.js";

const SERVER_KEY = "login-limits-server-key";

/** POST a login to `base` from the loopback address `from` (any 127.x.y.z is this machine). */
function loginFrom(base: string, from: string, body: object, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: Body; retryAfter: string | undefined }>((resolve, reject) => {
    const req = request(`${base}/api/v1/auth/login`, {
      method: "POST",
      localAddress: from,
      headers: { "content-type": "application/json", ...headers },
    });
    req.on("error", reject);
    req.on("response", (res) => {
      let text = "";
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Body, retryAfter: res.headers["retry-after"] }));
    });
    req.end(JSON.stringify(body));
  });
}

function grpcLogin(address: string, req: object, metadata: Record<string, string>) {
  const definition = loadSync("library/auth/v1/auth.proto", { includeDirs: [join(REPO_ROOT, "api", "proto")], keepCase: false });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    library: { auth: { v1: { AuthService: grpc.ServiceClientConstructor } } };
  };
  const client = new loaded.library.auth.v1.AuthService(address, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(metadata)) md.set(k, v);
  return new Promise<grpc.ServiceError | null>((resolve) => {
    (client as unknown as Record<string, (r: object, m: grpc.Metadata, cb: (e: grpc.ServiceError | null) => void) => void>).login(
      req,
      md,
      (err) => {
        client.close();
        resolve(err);
      },
    );
  });
}

// Issue 14 item 9a: failed logins are limited per client address as well as per account.
describe("login limits per client address (PostgreSQL)", () => {
  let database: TestDatabase;
  let app: AuthApp;
  let base: string;
  let grpcAddress: string;

  beforeAll(async () => {
    database = await createTestDatabase("auth_it");
    app = await buildTestAuthApp(database.url, { LOGIN_MAX_FAILURES: "5", LOGIN_MAX_FAILURES_PER_IP: "20", SERVER_KEY });
    const ports = await app.start();
    base = `http://127.0.0.1:${ports.httpPort}`;
    grpcAddress = `127.0.0.1:${ports.grpcPort}`;
    await newMember(base, "sprayed@example.org", "sprayed-password");
  });
  afterAll(() => stopAuthSuite({ app, database }));

  it("answers 429 with Retry-After after 20 wrong logins on 25 different emails from one address", async () => {
    const results = [];
    for (let i = 0; i < 25; i++)
      results.push(await loginFrom(base, "127.0.0.3", { email: `victim-${i}@example.org`, password: "Summer2024!" }));
    expect(results.map((r) => r.status)).toEqual([...Array(20).fill(401), ...Array(5).fill(429)]);
    const limited = results[20];
    expect(limited.body).toMatchObject({ code: 8, message: expect.stringContaining("address") });
    expect(limited.body.details).toContainEqual(expect.objectContaining({ reason: "RATE_LIMITED", domain: "library.auth.v1" }));
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(limited.retryAfter)).toBeLessThanOrEqual(900);
  });

  it("refuses even a correct login from that address, and a forged X-Forwarded-For changes nothing", async () => {
    const right = { email: "sprayed@example.org", password: "sprayed-password" };
    expect((await loginFrom(base, "127.0.0.3", right)).status).toBe(429);
    expect((await loginFrom(base, "127.0.0.3", right, { "x-forwarded-for": "198.51.100.7" })).status).toBe(429);
    expect((await loginFrom(base, "127.0.0.4", right)).status).toBe(200);
  });

  it("takes a gRPC caller's address from the connection, not from metadata it sends", async () => {
    for (let i = 0; i < 20; i++) await loginFrom(base, "127.0.0.1", { email: `grpc-victim-${i}@example.org`, password: "Summer2024!" });
    const err = await grpcLogin(
      grpcAddress,
      { email: "sprayed@example.org", password: "wrong-guess" },
      {
        "x-server-key": SERVER_KEY,
        "x-client-address": "198.51.100.9",
      },
    );
    expect(err?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    // google.rpc.Status in the trailer: its details hold the ErrorInfo and the RetryInfo (the gRPC Retry-After).
    const [details] = err?.metadata.get("grpc-status-details-bin") ?? [];
    expect(Buffer.from(details as Buffer).toString("latin1")).toContain("type.googleapis.com/google.rpc.RetryInfo");
  });

  it("still limits one account to 5 failures from addresses that are not limited", async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await loginFrom(base, "127.0.0.5", { email: "sprayed@example.org", password: `nope-${i}` })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });
});
