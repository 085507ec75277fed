import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { afterAll, describe, expect, it } from "vitest";
import { buildOpenApi31Files } from "./openapi31-builder.js";
import { successStatus } from "./success-answer.js";

type Json = Record<string, unknown>;

/** The value at `path` inside a parsed document (undefined when absent). */
function at(value: unknown, ...path: (string | number)[]): unknown {
  let v = value;
  for (const key of path) v = typeof v === "object" && v !== null ? (v as Record<string | number, unknown>)[key] : undefined;
  return v;
}

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "lms-openapi31-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The 3.1 documents of the protos under `dir`, compiled by buf as the plugin sees them. */
function generate(dir: string): Map<string, Json> {
  const bytes = execFileSync("npx", ["buf", "build", dir, "-o", "-#format=binpb"], { cwd: repoRoot });
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, bytes));
  const files = buildOpenApi31Files(
    registry,
    [...registry.files].map((f) => f.proto.name),
  );
  return new Map(files.map((f) => [f.name, JSON.parse(f.content) as Json]));
}

/** A one-service proto module beside our google/api and access rule files. */
function generateFrom(service: string): Map<string, Json> {
  const dir = join(scratch, String(Math.random()).slice(2));
  cpSync(join(repoRoot, "api/proto/google"), join(dir, "google"), { recursive: true });
  cpSync(join(repoRoot, "api/proto/library/access"), join(dir, "library/access"), { recursive: true });
  mkdirSync(join(dir, "t/v1"), { recursive: true });
  const header =
    'syntax = "proto3";\npackage t.v1;\nimport "google/api/annotations.proto";\nimport "google/api/field_behavior.proto";\nimport "library/access/v1/access.proto";\n';
  writeFileSync(join(dir, "t/v1/t.proto"), header + service);
  return generate(dir);
}

describe("OpenAPI 3.1 from the real protos", () => {
  const docs = generate("api/proto");
  const book = docs.get("book.json");
  const auth = docs.get("auth.json");

  it("names the make run address first and the document's own origin second", () => {
    expect((at(book, "servers") as Json[]).map((s) => s.url)).toEqual(["http://127.0.0.1:8084", "/"]);
  });

  it("requires the REQUIRED fields of a request body and every field of an answer", () => {
    const create = at(book, "paths", "/api/v1/books", "post", "requestBody", "content", "application/json", "schema");
    expect(at(book, "components", "schemas", "CreateBookRequest", "required")).toEqual(["title", "isbn", "authorId"]);
    expect(create).toEqual({ $ref: "#/components/schemas/CreateBookRequest" });
    expect(at(book, "components", "schemas", "Loan", "required")).toEqual([
      "id",
      "bookId",
      "userId",
      "borrowedAt",
      "dueAt",
      "returnedAt",
      "copyId",
      "barcode",
      "renewalCount",
    ]);
  });

  it("types fields that are null on the wire as nullable, and only those", () => {
    expect(at(book, "components", "schemas", "Loan", "properties", "returnedAt", "type")).toEqual(["string", "null"]);
    expect(at(book, "components", "schemas", "Loan", "properties", "dueAt", "type")).toBe("string");
    expect(at(auth, "components", "schemas", "VerifyTokenResponse", "properties", "expiresAt", "type")).toEqual(["string", "null"]);
  });

  it("derives bearer security and 401/403/404/409/429 from each method", () => {
    const role = at(auth, "paths", "/api/v1/auth/users/{userId}/role", "put");
    expect(at(role, "security")).toEqual([{ bearer: [] }]);
    expect(Object.keys(at(role, "responses") as Json)).toEqual(["200", "400", "401", "403", "404", "503"]);
    const register = at(auth, "paths", "/api/v1/auth/register", "post");
    expect(at(register, "security")).toBeUndefined();
    expect(Object.keys(at(register, "responses") as Json)).toEqual(["201", "400", "401", "409", "503"]);
    expect(at(register, "responses", "201", "headers", "Location")).toBeDefined();
    const login = at(auth, "paths", "/api/v1/auth/login", "post", "responses");
    expect(Object.keys(login as Json)).toEqual(["200", "400", "401", "429", "503"]);
    expect(at(auth, "components", "responses", "TooManyRequests", "headers", "Retry-After")).toBeDefined();
    const loans = at(book, "paths", "/api/v1/loans", "get");
    expect(Object.keys(at(loans, "responses") as Json)).toContain("403");
  });

  it("turns `1..100 (default 20)` comments into bounds and a default", () => {
    const pageSize = (at(book, "paths", "/api/v1/books", "get", "parameters") as Json[]).find((p) => p.name === "pageSize");
    expect(pageSize?.schema).toMatchObject({ type: "integer", minimum: 1, maximum: 100, default: 20 });
  });

  it("answers 201 for the creates of DESIGN.md §2 and 200 for the rest, circulation included", () => {
    for (const create of ["Register", "CreateAuthor", "CreateCategory", "CreateBook"]) expect(successStatus(create)).toBe("201");
    for (const other of ["UpdateBook", "PatchBook", "BorrowBook", "Login"]) expect(successStatus(other)).toBe("200");
  });

  it("documents If-Match and 412 on catalogue writes, and ETag on their answers", () => {
    const patch = at(book, "paths", "/api/v1/books/{id}", "patch");
    expect((at(patch, "parameters") as Json[]).map((p) => p.name)).toEqual(["id", "updateMask", "If-Match"]);
    expect(Object.keys(at(patch, "responses") as Json)).toContain("412");
    expect(at(patch, "responses", "200", "headers", "ETag")).toBeDefined();
    expect(at(book, "paths", "/api/v1/books/{id}", "get", "responses", "200", "headers", "ETag")).toBeDefined();
  });

  it("documents If-Match, 412 and ETag on UpdateUser and UpdateCopy, ETag on GetUser, none on LookupBarcode", () => {
    for (const [doc, path] of [
      [auth, "/api/v1/users/{id}"],
      [book, "/api/v1/copies/{id}"],
    ] as const) {
      const patch = at(doc, "paths", path, "patch");
      expect((at(patch, "parameters") as Json[]).map((p) => p.name)).toContain("If-Match");
      expect(Object.keys(at(patch, "responses") as Json)).toContain("412");
      expect(at(patch, "responses", "200", "headers", "ETag")).toBeDefined();
    }
    expect(at(auth, "paths", "/api/v1/users/{id}", "get", "responses", "200", "headers", "ETag")).toBeDefined();
    expect(at(book, "paths", "/api/v1/barcodes/{barcode}", "get", "responses", "200", "headers")).toBeUndefined();
  });

  it("documents the header, the replay header, 409 and the reasons on BorrowBook, ReturnBook and RenewLoan", () => {
    for (const path of ["/api/v1/books/{id}/borrow", "/api/v1/books/{id}/return", "/api/v1/loans/{id}/renew"]) {
      const write = at(book, "paths", path, "post");
      expect((at(write, "parameters") as Json[]).map((p) => [p.name, p.in])).toEqual([
        ["id", "path"],
        ["Idempotency-Key", "header"],
      ]);
      expect(at(write, "parameters", 1, "schema")).toMatchObject({ type: "string", minLength: 1, maxLength: 255 });
      expect(at(write, "responses", "200", "headers", "Idempotency-Replayed")).toBeDefined();
      expect(Object.keys(at(write, "responses") as Json)).toContain("409");
      expect(at(write, "description")).toMatch(/IDEMPOTENCY_KEY_REUSED.*IDEMPOTENCY_KEY_IN_USE/);
    }
    const create = at(book, "paths", "/api/v1/books", "post");
    expect((at(create, "parameters") as Json[] | undefined)?.map((p) => p.name) ?? []).not.toContain("Idempotency-Key");
  });
});

describe("OpenAPI 3.1 generation rules", () => {
  const message = (name: string, example?: string) =>
    `${example ? `// Example: ${example}\n` : ""}message ${name} {\n  string id = 1 [(google.api.field_behavior) = REQUIRED];\n  string name = 2;\n}\nmessage Out { string id = 1; }\n`;

  it("documents a PATCH binding with its body and example", () => {
    const docs = generateFrom(
      `service TService {\n  // Changes a thing.\n  rpc Patch(In) returns (Out) { option (library.access.v1.rule) = RULE_LIBRARIAN; option (google.api.http) = {patch: "/v1/things/{id}" body: "*"}; }\n}\n${message("In", '{"name": "x"}')}`,
    );
    const patch = at(docs.get("t.json"), "paths", "/v1/things/{id}", "patch");
    expect(at(patch, "requestBody", "content", "application/json")).toMatchObject({
      example: { name: "x" },
      schema: { properties: { name: {} } },
    });
    expect(at(patch, "operationId")).toBe("TService_Patch");
    expect(at(patch, "description")).toBe("Changes a thing. Librarians and admins only.");
    expect(at(patch, "security")).toEqual([{ bearer: [] }]);
  });

  it("refuses a write without an example, or with an example naming no field", () => {
    const svc =
      'service TService { rpc Create(In) returns (Out) { option (library.access.v1.rule) = RULE_ANYONE; option (google.api.http) = {post: "/v1/things" body: "*"}; } }\n';
    expect(() => generateFrom(svc + message("In"))).toThrow(/needs an "Example:" body/);
    expect(() => generateFrom(svc + message("In", '{"nmae": "x"}'))).toThrow(/names nmae/);
  });
});
