// Both committed documents of every service, checked the way users' tools see
// them: a maintained validator (swagger-parser), spectral's `spectral:oas`
// ruleset with no errors, and every write example against its own schema.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import SwaggerParser from "@apidevtools/swagger-parser";
import { Document, Spectral } from "@stoplight/spectral-core";
import { Json } from "@stoplight/spectral-parsers";
import { oas } from "@stoplight/spectral-rulesets";
import { describe, expect, it } from "vitest";
import { compileOperationSchemas, type OpenApiDocument } from "../../../../tests/support/openapi-validator.js";
import { SERVICE_NAMES } from "../services.js";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const documents = SERVICE_NAMES.flatMap((svc) => [
  { svc, path: join("api", "swagger", `${svc}.swagger.json`) },
  { svc, path: join("api", "openapi", `${svc}.json`) },
]);

function read(path: string): string {
  return readFileSync(join(repoRoot, path), "utf8");
}

async function spectralErrors(path: string): Promise<string[]> {
  const spectral = new Spectral();
  spectral.setRuleset({ extends: [[oas, "recommended"]] } as never);
  const results = await spectral.run(new Document(read(path), Json, path));
  // Severity 0 is "error"; warnings (e.g. missing contact info) are style, not validity.
  return results.filter((r) => r.severity === 0).map((r) => `${r.code} at ${r.path.join(".")}: ${r.message}`);
}

describe.each(documents)("$path", ({ path }) => {
  it("validates with swagger-parser", async () => {
    await expect(SwaggerParser.validate(JSON.parse(read(path)))).resolves.toBeDefined();
  });

  it("has no spectral:oas errors", { timeout: 60_000 }, async () => {
    expect(await spectralErrors(path)).toEqual([]);
  });
});

describe.each(SERVICE_NAMES)("api/openapi/%s.json", (svc) => {
  const doc = JSON.parse(read(join("api", "openapi", `${svc}.json`))) as OpenApiDocument;
  const ops = compileOperationSchemas(doc);

  it("is OpenAPI 3.1 with servers and an http bearer scheme", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers?.[0]?.url).toMatch(/^http:\/\/127\.0\.0\.1:808\d$/);
    expect(doc.components?.securitySchemes?.bearer).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("gives every write an example its own request schema accepts", () => {
    const writes = ops.filter((op) => op.verb !== "get" && op.hasBody);
    expect(writes.length).toBeGreaterThan(0);
    for (const op of writes) {
      expect(op.example, `${op.operationId} has no example`).toBeDefined();
      const problems = op.validateRequest(op.example);
      expect(problems, `${op.operationId}: ${problems}`).toBe("");
    }
  });

  it("answers every error of an operation with the Error body", () => {
    for (const op of ops) {
      expect(op.statuses, op.operationId).toEqual(expect.arrayContaining(["400", "401", "503"]));
      for (const status of op.statuses.filter((s) => s >= "400")) {
        expect(op.validateResponse(status, { code: 5, message: "x", details: [] }), `${op.operationId} ${status}`).toBe("");
      }
    }
  });
});
