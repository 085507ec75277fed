import { clearExtension, setExtension } from "@bufbuild/protobuf";
import { http } from "@lms/gen/google/api/annotations_pb";
import { Rule, rule } from "@lms/gen/library/access/v1/access_pb";
import { AuthService } from "@lms/gen/library/auth/v1/auth_pb";
import { AuthorService, file_library_author_v1_author } from "@lms/gen/library/author/v1/author_pb";
import { BookService } from "@lms/gen/library/book/v1/book_pb";
import { describe, expect, it } from "vitest";
import { registryWithEditedMethod } from "../testing/edited-protos.js";
import { ACCESS_RULE_EXTENSION, accessRuleOf, accessRulesOf } from "./access-rule.js";

/** AuthorService as a protoc plugin sees it, with GetAuthor's rule changed by `edit`. */
function editedAuthor(edit: Parameters<typeof registryWithEditedMethod>[2]) {
  const registry = registryWithEditedMethod(file_library_author_v1_author, "AuthorService.GetAuthor", edit);
  const service = registry.getService(AuthorService.typeName);
  const ext = registry.getExtension(ACCESS_RULE_EXTENSION);
  if (!service || !ext) throw new Error("edited registry lacks the service or the extension");
  return { service, ext, getAuthor: service.methods.find((m) => m.name === "GetAuthor") ?? service.methods[0] };
}

describe("accessRuleOf", () => {
  it.each([
    [AuthorService.method.getAuthor, "anyone"],
    [BookService.method.listLoans, "member"],
    [AuthorService.method.createAuthor, "librarian"],
    [AuthService.method.setUserRole, "admin"],
    [AuthorService.method.batchGetAuthors, "service"],
  ] as const)("%s → %s", (method, expected) => {
    expect(accessRuleOf(method, rule)).toBe(expected);
  });

  it("reads the same through an extension resolved from a registry, as the protoc plugins do", () => {
    const { service, ext } = editedAuthor(() => {});
    expect(ext).not.toBe(rule);
    expect(service.methods.map((m) => accessRuleOf(m, ext))).toEqual(AuthorService.methods.map((m) => accessRuleOf(m, rule)));
  });

  it("answers undefined for no option, RULE_UNSPECIFIED or a number it does not know", () => {
    expect(accessRuleOf(editedAuthor((o) => clearExtension(o, rule)).getAuthor, rule)).toBeUndefined();
    expect(accessRuleOf(editedAuthor((o) => setExtension(o, rule, Rule.UNSPECIFIED)).getAuthor, rule)).toBeUndefined();
    expect(accessRuleOf(editedAuthor((o) => setExtension(o, rule, 99 as Rule)).getAuthor, rule)).toBeUndefined();
  });

  it("refuses an extension that is not an enum", () => {
    expect(() => accessRuleOf(AuthorService.method.getAuthor, http)).toThrow("google.api.http is not an enum option");
  });
});

describe("accessRulesOf", () => {
  it("keys every method's rule by service and method", () => {
    const rules = accessRulesOf([AuthorService, BookService], rule, http);
    expect(rules.size).toBe(AuthorService.methods.length + BookService.methods.length);
    expect(rules.get("library.book.v1.BookService/BorrowBook")).toBe("member");
  });

  it("names every method without a rule", () => {
    const { service } = editedAuthor((o) => clearExtension(o, rule));
    expect(() => accessRulesOf([service, AuthService], rule)).toThrow(
      "no (library.access.v1.rule) option on: library.author.v1.AuthorService/GetAuthor",
    );
  });

  it("refuses a service-only method with a REST binding only when told the http extension", () => {
    const { service } = editedAuthor((o) => setExtension(o, rule, Rule.SERVICE));
    expect(accessRulesOf([service], rule).get("library.author.v1.AuthorService/GetAuthor")).toBe("service");
    expect(() => accessRulesOf([service], rule, http)).toThrow("GetAuthor: a RULE_SERVICE method cannot have a REST binding");
  });
});
