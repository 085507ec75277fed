// @vitest-environment node
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { type ServiceName, serviceForPath } from "./service-routes.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const SERVICES: ServiceName[] = ["auth", "author", "category", "book"];

function documentPaths(svc: ServiceName): string[] {
  const doc = JSON.parse(readFileSync(join(ROOT, "api", "openapi", `${svc}.json`), "utf8")) as { paths: Record<string, unknown> };
  return Object.keys(doc.paths);
}

describe("serviceForPath", () => {
  it.each(SERVICES)("sends every path of api/openapi/%s.json to that service", (svc) => {
    const paths = documentPaths(svc);
    expect(paths.length).toBeGreaterThan(0);
    // Path templates ({id}) are filled the way a browser would send them.
    const wrong = paths.map((p) => p.replace(/\{[^}]+\}/g, "x1")).filter((p) => serviceForPath(p) !== svc);
    expect(wrong).toEqual([]);
  });

  it("ignores the query string and a trailing slash", () => {
    expect(serviceForPath("/api/v1/books?q=dune&pageSize=20")).toBe("book");
    expect(serviceForPath("/api/v1/authors/")).toBe("author");
    expect(serviceForPath("/api/v1/loan-policies/default/standard")).toBe("book");
  });

  it("owns nothing outside /api/v1/ or for unknown resources", () => {
    expect(serviceForPath("/")).toBeUndefined();
    expect(serviceForPath("/catalogue")).toBeUndefined();
    expect(serviceForPath("/api/v1/")).toBeUndefined();
    expect(serviceForPath("/api/v1/unknown/1")).toBeUndefined();
    expect(serviceForPath("/api/v1/constructor")).toBeUndefined();
    expect(serviceForPath("/api/v2/books")).toBeUndefined();
    expect(serviceForPath("/.well-known/jwks.json")).toBeUndefined();
  });
});
