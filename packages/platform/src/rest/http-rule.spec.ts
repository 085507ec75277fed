import { create, getOption, setExtension } from "@bufbuild/protobuf";
import { http } from "@lms/gen/google/api/annotations_pb";
import { HttpRuleSchema } from "@lms/gen/google/api/http_pb";
import { AuthorService, file_library_author_v1_author } from "@lms/gen/library/author/v1/author_pb";
import { CategoryService, file_library_category_v1_category } from "@lms/gen/library/category/v1/category_pb";
import { describe, expect, it } from "vitest";
import { registryWithEditedMethod } from "../testing/edited-protos.js";
import { fillTemplate, HTTP_RULE_EXTENSION, httpBindingOf, templatePattern } from "./http-rule.js";

/** CategoryService's `method` as a protoc plugin sees it, with its google.api.http rule replaced. */
function categoryMethodWithRule(method: string, rule: Parameters<typeof create<typeof HttpRuleSchema>>[1]) {
  const registry = registryWithEditedMethod(file_library_category_v1_category, `CategoryService.${method}`, (o) =>
    setExtension(o, http, create(HttpRuleSchema, rule)),
  );
  const found = registry.getService(CategoryService.typeName)?.methods.find((m) => m.name === method);
  const ext = registry.getExtension(HTTP_RULE_EXTENSION);
  if (!found || !ext) throw new Error("edited registry lacks the method or the extension");
  return { method: found, ext };
}

describe("httpBindingOf", () => {
  it("reads verb, template, path fields and body", () => {
    expect(httpBindingOf(CategoryService.method.updateItemCategories, http)).toEqual({
      verb: "put",
      template: "/api/v1/items/{item_id}/categories",
      pathFields: ["item_id"],
      body: "*",
    });
    expect(httpBindingOf(AuthorService.method.patchAuthor, http)).toMatchObject({ verb: "patch", body: "author", pathFields: ["id"] });
  });

  it("answers undefined for a gRPC-only method", () => {
    expect(httpBindingOf(AuthorService.method.batchGetAuthors, http)).toBeUndefined();
  });

  it("reads the same binding through an extension resolved from a registry, as the protoc plugins do", () => {
    const registry = registryWithEditedMethod(file_library_author_v1_author, "AuthorService.GetAuthor", () => {});
    const ext = registry.getExtension(HTTP_RULE_EXTENSION);
    const method = registry.getService(AuthorService.typeName)?.methods.find((m) => m.name === "GetAuthor");
    if (!ext || !method) throw new Error("registry lacks the extension or the method");
    expect(ext).not.toBe(http);
    expect(httpBindingOf(method, ext)).toEqual(httpBindingOf(AuthorService.method.getAuthor, http));
  });

  it("refuses custom verbs and additional bindings rather than leave them out", () => {
    const custom = categoryMethodWithRule("GetCategory", { pattern: { case: "custom", value: { kind: "HEAD", path: "/x" } } });
    expect(() => httpBindingOf(custom.method, custom.ext)).toThrow('http pattern "custom" is not supported');
    const extra = categoryMethodWithRule("GetCategory", {
      pattern: { case: "get", value: "/a" },
      additionalBindings: [{ pattern: { case: "get", value: "/b" } }],
    });
    expect(() => httpBindingOf(extra.method, extra.ext)).toThrow("additional_bindings are not supported");
  });

  it("refuses a rule on a streaming method", () => {
    const watch = categoryMethodWithRule("WatchItemLinks", { pattern: { case: "get", value: "/api/v1/links" } });
    expect(getOption(watch.method, http).pattern.value).toBe("/api/v1/links");
    expect(() => httpBindingOf(watch.method, watch.ext)).toThrow("only unary methods");
  });
});

describe("path templates", () => {
  it("fills each variable, with or without a segment pattern, keeping the literal text", () => {
    expect(fillTemplate("/v1/{book.id}/x/{name=shelves/*}", (f) => `<${f}>`)).toBe("/v1/<book.id>/x/<name>");
  });

  it("matches one segment per variable, an optional trailing slash, and literal dots only", () => {
    const p = templatePattern("/api/v1/items/{item_id}/categories");
    expect(p.test("/api/v1/items/42/categories")).toBe(true);
    expect(p.test("/api/v1/items/42/categories/")).toBe(true);
    expect(p.test("/api/v1/items/4/2/categories")).toBe(false);
    expect(p.test("/api/v1/items/42/categories/extra")).toBe(false);
    expect(templatePattern("/v1.0/{id}").test("/v1x0/7")).toBe(false);
    expect(templatePattern("/v1.0/{id}").test("/v1.0/7")).toBe(true);
  });
});
