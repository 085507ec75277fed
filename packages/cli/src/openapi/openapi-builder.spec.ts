import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { buildOpenApiFiles, type Schema, summaryOf } from "./openapi-builder.js";

interface Param extends Schema {
  name: string;
  in: string;
  required: boolean;
  schema?: Schema;
  collectionFormat?: string;
}

interface Op {
  operationId: string;
  summary?: string;
  parameters: Param[];
  responses: Record<string, { schema: Schema; headers?: Record<string, { type: string }> }>;
  security?: Record<string, string[]>[];
}

interface Swagger {
  swagger: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Op>>;
  definitions: Record<string, Schema>;
  securityDefinitions: Record<string, Record<string, string>>;
}

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

// The real protos, compiled by buf (with imports and comments) as a plugin would see them.
function buildFromRealProtos() {
  const bytes = execFileSync("npx", ["buf", "build", "api/proto", "-o", "-#format=binpb"], { cwd: repoRoot });
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, bytes));
  const names = [...registry.files].map((f) => f.proto.name);
  return buildOpenApiFiles(registry, names);
}

const files = buildFromRealProtos();
const docs = new Map(files.map((f) => [f.name, JSON.parse(f.content) as Swagger]));

function doc(name: string): Swagger {
  const d = docs.get(name);
  if (!d) throw new Error(`no ${name}; got ${[...docs.keys()].join(", ")}`);
  return d;
}

function op(name: string, path: string, verb: string): Op {
  const o = doc(name).paths[path]?.[verb];
  if (!o) throw new Error(`no ${verb} ${path} in ${name}`);
  return o;
}

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => (k === "$ref" && typeof v === "string" ? [v] : refsIn(v)));
}

describe("buildOpenApiFiles on the real protos", () => {
  it("writes one swagger per service with http rules, none for health or google/*", () => {
    expect(files.map((f) => f.name).sort()).toEqual([
      "auth.swagger.json",
      "author.swagger.json",
      "book.swagger.json",
      "category.swagger.json",
    ]);
    for (const f of files) expect(f.content.endsWith("}\n")).toBe(true);
  });

  it("is deterministic", () => {
    expect(buildFromRealProtos()).toEqual(files);
  });

  it("describes the service", () => {
    const book = doc("book.swagger.json");
    expect(book.swagger).toBe("2.0");
    expect(book.info).toEqual({
      title: "library.book.v1.BookService",
      version: "v1",
      description: "The catalogue of books, their copies and loans, and recommendations.",
    });
    expect(book.securityDefinitions.bearer).toMatchObject({ type: "apiKey", name: "Authorization", in: "header" });
  });

  it("marks BorrowBook as a protected POST with the id in the path", () => {
    const borrow = op("book.swagger.json", "/api/v1/books/{id}/borrow", "post");
    expect(borrow.operationId).toBe("BookService_BorrowBook");
    expect(borrow.security).toEqual([{ bearer: [] }]);
    expect(borrow.parameters.map((p) => [p.name, p.in])).toEqual([
      ["id", "path"],
      ["body", "body"],
      ["Idempotency-Key", "header"],
    ]);
    expect(Object.keys(borrow.parameters[1]?.schema?.properties ?? {})).toEqual(["userId"]);
    expect(borrow.responses["200"]?.schema).toEqual({ $ref: "#/definitions/v1BorrowBookResponse" });
    expect(borrow.responses.default?.schema).toEqual({ $ref: "#/definitions/rpcStatus" });
  });

  it("answers creates 201 with a Location, and single resources with an ETag (DESIGN.md §2)", () => {
    const create = op("book.swagger.json", "/api/v1/books", "post");
    expect(Object.keys(create.responses).sort()).toEqual(["201", "default"]);
    expect(create.responses["201"]?.headers).toEqual({
      Location: { type: "string", description: "Path of the new resource." },
      ETag: { type: "string", description: "Validator for If-Match and If-None-Match." },
    });
    expect(Object.keys(op("auth.swagger.json", "/api/v1/auth/register", "post").responses)).toContain("201");
    expect(op("author.swagger.json", "/api/v1/authors/{id}", "get").responses["200"]?.headers?.ETag).toMatchObject({ type: "string" });
    expect(op("auth.swagger.json", "/api/v1/users/{id}", "get").responses["200"]?.headers?.ETag).toMatchObject({ type: "string" });
    expect(op("book.swagger.json", "/api/v1/copies/{id}", "patch").responses["200"]?.headers?.ETag).toMatchObject({ type: "string" });
    expect(op("book.swagger.json", "/api/v1/books/{id}/recommendations", "get").responses["200"]?.headers).toBeUndefined();
  });

  it("documents the Idempotency-Key header and the replay header on BorrowBook, ReturnBook and RenewLoan only", () => {
    for (const path of ["/api/v1/books/{id}/borrow", "/api/v1/books/{id}/return", "/api/v1/loans/{id}/renew"]) {
      const write = op("book.swagger.json", path, "post");
      expect(write.parameters.at(-1)).toMatchObject({
        name: "Idempotency-Key",
        in: "header",
        required: false,
        type: "string",
        maxLength: 255,
      });
      expect(write.responses["200"]?.headers).toEqual({ "Idempotency-Replayed": { type: "string", description: expect.any(String) } });
      expect((write as Op & { description?: string }).description).toMatch(/IDEMPOTENCY_KEY_REUSED.*IDEMPOTENCY_KEY_IN_USE/);
    }
    expect(op("book.swagger.json", "/api/v1/books", "post").parameters.map((p) => p.name)).not.toContain("Idempotency-Key");
  });

  it("leaves GetAuthor public, with a required path param id", () => {
    const get = op("author.swagger.json", "/api/v1/authors/{id}", "get");
    expect(get.security).toBeUndefined();
    expect(get.operationId).toBe("AuthorService_GetAuthor");
    expect(get.summary).toBe("Returns one author by id.");
    expect(get.parameters).toEqual([{ name: "id", description: "UUID of the author.", in: "path", required: true, type: "string" }]);
  });

  it("turns the remaining ListBooks fields into typed query params", () => {
    const params = op("book.swagger.json", "/api/v1/books", "get").parameters;
    const byName = new Map(params.map((p) => [p.name, p]));
    expect(params.every((p) => p.in === "query" && !p.required)).toBe(true);
    expect(byName.get("pageSize")).toMatchObject({ type: "integer", format: "int32" });
    expect(byName.get("available")).toMatchObject({ type: "boolean" });
    expect(byName.get("orderBy")).toMatchObject({ type: "string" });
    expect(byName.get("orderBy")?.description).toContain("publishedYear");
  });

  it("uses JSON names for path variables", () => {
    const paths = Object.keys(doc("category.swagger.json").paths);
    expect(paths).toContain("/api/v1/items/{itemId}/categories");
    const update = op("category.swagger.json", "/api/v1/items/{itemId}/categories", "put");
    expect(update.operationId).toBe("CategoryService_UpdateItemCategories");
    expect(update.parameters[0]).toMatchObject({ name: "itemId", in: "path", required: true });
    expect(paths.some((p) => p.includes("_"))).toBe(false);
  });

  it("defines messages by JSON name with mapped types", () => {
    const book = doc("book.swagger.json").definitions.v1Book?.properties;
    expect(book?.availableCopies).toMatchObject({ type: "integer", format: "int32" });
    expect(book?.createdAt).toMatchObject({ type: "string", format: "date-time" });
    expect(book?.categoryIds).toMatchObject({ type: "array", items: { type: "string" } });
    expect(doc("auth.swagger.json").definitions.v1Role).toMatchObject({
      type: "string",
      enum: ["ROLE_UNSPECIFIED", "ROLE_MEMBER", "ROLE_LIBRARIAN", "ROLE_ADMIN"],
      default: "ROLE_UNSPECIFIED",
    });
  });

  it("has a definition for every $ref, and no unused definitions", () => {
    for (const [name, d] of docs) {
      const targets = new Set(refsIn(d).map((r) => r.replace("#/definitions/", "")));
      expect(
        [...targets].filter((t) => !d.definitions[t]),
        name,
      ).toEqual([]);
      expect(
        Object.keys(d.definitions).filter((k) => !targets.has(k)),
        name,
      ).toEqual([]);
    }
  });

  it("keeps the Swagger 2.0 parameter rules", () => {
    for (const [name, d] of docs) {
      const ops = Object.entries(d.paths).flatMap(([path, item]) => Object.values(item).map((o) => ({ path, o })));
      for (const { path, o } of ops) {
        const vars = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        const pathParams = o.parameters.filter((p) => p.in === "path");
        expect(
          pathParams.map((p) => p.name),
          `${name} ${o.operationId}`,
        ).toEqual(vars);
        expect(pathParams.every((p) => p.required)).toBe(true);
        expect(o.parameters.filter((p) => p.in === "body").length).toBeLessThanOrEqual(1);
        // Only body params carry a schema; all others need a primitive type.
        for (const p of o.parameters) expect(p.in === "body" ? p.schema : p.type, `${o.operationId} ${p.name}`).toBeDefined();
      }
      const ids = ops.map(({ o }) => o.operationId);
      expect(new Set(ids).size, name).toBe(ids.length);
    }
  });

  it("defines the error body as rpcStatus", () => {
    const defs = doc("auth.swagger.json").definitions;
    expect(defs.rpcStatus?.properties).toEqual({
      code: { type: "integer", format: "int32" },
      message: { type: "string" },
      details: { type: "array", items: { $ref: "#/definitions/protobufAny" } },
    });
    expect(defs.protobufAny).toEqual({
      type: "object",
      properties: { "@type": { type: "string" } },
      additionalProperties: {},
    });
  });
});

describe("summaryOf", () => {
  it("takes the first sentence across wrapped lines", () => {
    expect(summaryOf("Replaces the writable fields of a book; total_copies can never go below\nthe copies on loan. Librarians only.")).toBe(
      "Replaces the writable fields of a book; total_copies can never go below the copies on loan.",
    );
    expect(summaryOf("No full stop")).toBe("No full stop");
  });
});
