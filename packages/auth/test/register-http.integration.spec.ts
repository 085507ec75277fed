import { errorReasonOf, violatedFields } from "@lms/platform/testing/error-details";
import { createTestDatabase, type TestDatabase } from "@lms/platform/testing/test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuthApp, type Body, baseUrlOf, buildTestAuthApp, post } from "./auth-test-app.js";

// DESIGN.md §2/§3 for Register: 201 + Location, every invalid field at once (REST, real app, real PostgreSQL).
describe("Register HTTP semantics", () => {
  let database: TestDatabase;
  let app: AuthApp;
  let base: string;

  beforeAll(async () => {
    database = await createTestDatabase("auth_register_http");
    app = await buildTestAuthApp(database.url);
    base = await baseUrlOf(app);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it("answers 201 with the Location of the new user (GetUser's path); Login keeps 200", async () => {
    const res = await post(base, "register", { email: "grace@example.org", password: "cobol-compiler", name: "Grace" });
    expect(res.status).toBe(201);
    const user = res.body.user as Body;
    expect(res.headers.get("location")).toBe(`/api/v1/users/${user.id}`);
    expect((await post(base, "login", { email: "grace@example.org", password: "cobol-compiler" })).status).toBe(200);
  });

  it("names every invalid field at once, keeping the weak-password reason", async () => {
    const res = await post(base, "register", { email: "not-an-email", password: "password", name: " " });
    expect(res.status).toBe(400);
    expect(violatedFields(res.body)).toEqual(["email", "password", "name"]);
    expect(errorReasonOf(res.body)).toBe("PASSWORD_TOO_WEAK");
    const short = await post(base, "register", { email: "", password: "short", name: "Ok" });
    expect(violatedFields(short.body)).toEqual(["email", "password"]);
  });
});
