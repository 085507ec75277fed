// The access rule of a method lives only in its (library.access.v1.rule) option: every
// method has one, REST-bound exactly when it is not service-only, and the committed
// documents (and docs/architecture.md's vocabulary) say what the option says.

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { clone, createFileRegistry, type DescService, type FileRegistry, fromBinary, hasOption, setExtension } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema, type MethodOptions } from "@bufbuild/protobuf/wkt";
import { http } from "@lms/gen/google/api/annotations_pb";
import { Rule, rule } from "@lms/gen/library/access/v1/access_pb";
import { AuthService } from "@lms/gen/library/auth/v1/auth_pb";
import { AuthorService } from "@lms/gen/library/author/v1/author_pb";
import { BookService } from "@lms/gen/library/book/v1/book_pb";
import { CategoryService } from "@lms/gen/library/category/v1/category_pb";
import { accessRuleOf } from "@lms/platform/auth/access-rule";
import { describe, expect, it } from "vitest";
import { buildOpenApiFiles } from "./openapi-builder.js";
import { buildOpenApi31Files } from "./openapi31-builder.js";
import { accessSentence, serviceShortName } from "./proto-comments.js";

const SERVICES: DescService[] = [AuthService, AuthorService, CategoryService, BookService];
const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const repoFile = (path: string) => readFileSync(`${repoRoot}${path}`, "utf8");

interface Op {
  operationId: string;
  description?: string;
  security?: unknown;
  responses: Record<string, unknown>;
}

/** Operations of a committed document by operationId. */
function operations(path: string): Map<string, Op> {
  const doc = JSON.parse(repoFile(path)) as { paths: Record<string, Record<string, Op>> };
  const ops = Object.values(doc.paths).flatMap((item) => Object.values(item));
  return new Map(ops.map((o) => [o.operationId, o]));
}

// The real protos, compiled by buf with their comments, as a plugin's request holds them.
const compiled = fromBinary(
  FileDescriptorSetSchema,
  execFileSync("npx", ["buf", "build", "api/proto", "-o", "-#format=binpb"], { cwd: repoRoot }),
);
const AUTHOR_PROTO = "library/author/v1/author.proto";

/** The compiled protos with `edit` applied to the options of AuthorService's `method`. */
function registryWith(method: string, edit: (options: MethodOptions) => void): FileRegistry {
  const set = clone(FileDescriptorSetSchema, compiled);
  const options = set.file.find((f) => f.name === AUTHOR_PROTO)?.service[0]?.method.find((m) => m.name === method)?.options;
  if (!options) throw new Error(`no options on ${method}`);
  edit(options);
  return createFileRegistry(set);
}

describe("(library.access.v1.rule)", () => {
  const methods = SERVICES.flatMap((s) => s.methods);

  it("is declared on every method of every service", () => {
    const missing = methods.filter((m) => accessRuleOf(m, rule) === undefined).map((m) => m.toString());
    expect(missing).toEqual([]);
  });

  it("makes a method REST-bound exactly when it is not service-only", () => {
    for (const m of methods) expect([m.name, hasOption(m, http)]).toEqual([m.name, accessRuleOf(m, rule) !== "service"]);
  });

  describe.each(SERVICES.map((s) => [serviceShortName(s), s] as const))("in the %s documents", (name, service) => {
    const swagger = operations(`api/swagger/${name}.swagger.json`);
    const openapi = operations(`api/openapi/${name}.json`);
    const bound = service.methods.filter((m) => hasOption(m, http));

    it.each(bound.map((m) => [m.name, m] as const))("%s: security, 403 and description follow the rule", (_n, m) => {
      const access = accessRuleOf(m, rule);
      if (!access) throw new Error(`${m.name} has no rule`);
      const id = `${service.name}_${m.name}`;
      const [v2, v31] = [swagger.get(id), openapi.get(id)];
      const lock = access === "anyone" ? undefined : [{ bearer: [] }];
      expect(v2?.security).toEqual(lock);
      expect(v31?.security).toEqual(lock);
      expect("403" in (v31?.responses ?? {})).toBe(access !== "anyone");
      const sentence = accessSentence(access);
      if (sentence) expect(v31?.description?.endsWith(sentence) && v2?.description?.endsWith(sentence)).toBe(true);
    });
  });

  it("has the vocabulary docs/architecture.md names", () => {
    const names = Object.keys(Rule).filter((k) => Number.isNaN(Number(k)) && k !== "UNSPECIFIED");
    expect(repoFile("docs/architecture.md")).toContain(`(${names.map((n) => `\`RULE_${n}\``).join(", ")})`);
  });
});

describe("the generators", () => {
  it.each([
    ["Swagger 2.0", buildOpenApiFiles],
    ["OpenAPI 3.1", buildOpenApi31Files],
  ])("%s refuses a bound method without a rule, and a service-only method with a REST route", (_name, build) => {
    const target = [AUTHOR_PROTO];
    expect(
      build(
        registryWith("UpdateAuthor", () => {}),
        target,
      ),
    ).toHaveLength(1);
    const noRule = registryWith("UpdateAuthor", (o) => setExtension(o, rule, Rule.UNSPECIFIED));
    expect(() => build(noRule, target)).toThrow(/AuthorService\/UpdateAuthor$/);
    const serviceOnRest = registryWith("CreateAuthor", (o) => setExtension(o, rule, Rule.SERVICE));
    expect(() => build(serviceOnRest, target)).toThrow("AuthorService/CreateAuthor: a RULE_SERVICE method cannot have a REST binding");
  });
});
