import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "@lms/platform/repo-paths";
import { describe, expect, it } from "vitest";
import { firstSegmentOf, type ServiceName, segmentTable, serviceForPath } from "./service-routes.js";

const SERVICES: ServiceName[] = ["auth", "author", "category", "book"];
const pathsOf = (service: string) =>
  Object.keys((JSON.parse(readFileSync(join(REPO_ROOT, "api", "openapi", `${service}.json`), "utf8")) as { paths: object }).paths);

describe("serviceForPath", () => {
  it.each(SERVICES)("sends every path of api/openapi/%s.json to that service", (service) => {
    const paths = pathsOf(service);
    expect(paths.length).toBeGreaterThan(0);
    for (const template of paths) {
      const concrete = template.replace(/\{[^}]+\}/g, "0f8fad5b-d9cb-469f-a165-70867728950e");
      expect(serviceForPath(concrete), concrete).toBe(service);
    }
  });

  it("routes the collections the launcher prints, with or without a query", () => {
    expect(serviceForPath("/api/v1/auth/login")).toBe("auth");
    expect(serviceForPath("/api/v1/users?pageSize=5")).toBe("auth");
    expect(serviceForPath("/api/v1/authors")).toBe("author");
    expect(serviceForPath("/api/v1/categories/x/y")).toBe("category");
    expect(serviceForPath("/api/v1/items/1/categories")).toBe("category");
    expect(serviceForPath("/api/v1/books?q=dune")).toBe("book");
    expect(serviceForPath("/api/v1/loan-policies/a/b")).toBe("book");
    expect(serviceForPath("/api/v1/circulation/check-out")).toBe("book");
  });

  it("owns nothing outside /api/v1/ or under a segment no document has", () => {
    for (const path of [
      "/",
      "/api/v1",
      "/api/v1/",
      "/api/v1/nothing",
      "/api/v2/books",
      "/books",
      "/api/v1/booksx",
      "/api/openapi/book.json",
    ]) {
      expect(serviceForPath(path), path).toBeUndefined();
    }
  });
});

describe("segmentTable", () => {
  it("refuses a segment two services claim, naming both", () => {
    expect(() => segmentTable({ book: { paths: { "/api/v1/things": {} } }, author: { paths: { "/api/v1/things/{id}": {} } } })).toThrow(
      /things is claimed by both book and author/,
    );
  });

  it("refuses a path with no fixed first segment", () => {
    expect(() => segmentTable({ book: { paths: { "/api/v1/{id}": {} } } })).toThrow(/no fixed segment/);
    expect(() => segmentTable({ book: { paths: { "/healthz": {} } } })).toThrow(/no fixed segment/);
  });

  it("reads the first segment of a path or template", () => {
    expect(firstSegmentOf("/api/v1/books/{id}/borrow")).toBe("books");
    expect(firstSegmentOf("/api/v1/loans?status=open")).toBe("loans");
    expect(firstSegmentOf("/elsewhere")).toBe("");
  });
});
