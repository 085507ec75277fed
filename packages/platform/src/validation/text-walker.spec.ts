import { create } from "@bufbuild/protobuf";
import { DurationSchema, StructSchema } from "@bufbuild/protobuf/wkt";
import { BatchGetAuthorsRequestSchema, CreateAuthorRequestSchema, ListAuthorsResponseSchema } from "@lms/gen/library/author/v1/author_pb";
import { describe, expect, it } from "vitest";
import { textProblem, textViolations } from "./text-walker.js";

const NUL = "must not contain NUL characters (U+0000)";
const SURROGATE = "must be valid Unicode (it contains a lone UTF-16 surrogate)";

describe("textProblem", () => {
  it.each([
    ["a NUL anywhere", "ab\0c", NUL],
    ["a lone high surrogate", "ab\uD800c", SURROGATE],
    ["a lone low surrogate", "\uDC00", SURROGATE],
    ["a high surrogate at the end", "x\uD83D", SURROGATE],
  ])("refuses %s", (_what, text, problem) => {
    expect(textProblem(text)).toBe(problem);
  });

  it.each([
    ["emoji (surrogate pairs)", "📚 Büchër 👩🏽‍💻"],
    ["RTL marks and Arabic", "\u200Fمكتبة\u202Eabc\u202C"],
    ["combining characters", "e\u0301 Z\u0335\u0321a"],
    ["zero-width characters", "a\u200Bb\uFEFF"],
    ["other control characters", "tab\there\u0001\u007F"],
    ["the empty string", ""],
  ])("accepts %s", (_what, text) => {
    expect(textProblem(text)).toBeUndefined();
  });
});

describe("textViolations", () => {
  it("names every offending field of a request at once, by its JSON name", () => {
    const req = create(CreateAuthorRequestSchema, { name: "A\0", biography: "fine", birthDate: "\uD800", nationality: "\0" });
    expect(textViolations(CreateAuthorRequestSchema, req)).toEqual([
      { field: "name", description: NUL },
      { field: "birthDate", description: SURROGATE },
      { field: "nationality", description: NUL },
    ]);
  });

  it("indexes repeated strings", () => {
    const req = create(BatchGetAuthorsRequestSchema, { ids: ["ok", "b\0d", "ok"] });
    expect(textViolations(BatchGetAuthorsRequestSchema, req)).toEqual([{ field: "ids[1]", description: NUL }]);
  });

  it("walks nested and repeated messages", () => {
    const res = create(ListAuthorsResponseSchema, { authors: [{ name: "fine" }, { name: "x", biography: "\0" }], nextPageToken: "\0" });
    expect(textViolations(ListAuthorsResponseSchema, res).map((v) => v.field)).toEqual(["authors[1].biography", "nextPageToken"]);
  });

  it("walks map keys and values and oneof members (google.protobuf.Struct)", () => {
    const struct = create(StructSchema, {
      fields: {
        "k\0": { kind: { case: "numberValue", value: 1 } },
        plain: { kind: { case: "stringValue", value: "v\0" } },
        list: { kind: { case: "listValue", value: { values: [{ kind: { case: "stringValue", value: "\uDC00" } }] } } },
        nested: { kind: { case: "structValue", value: { fields: { deep: { kind: { case: "stringValue", value: "\0" } } } } } },
      },
    });
    expect(textViolations(StructSchema, struct).map((v) => v.field)).toEqual([
      'fields["k\\u0000"]',
      'fields["plain"].stringValue',
      'fields["list"].listValue.values[0].stringValue',
      'fields["nested"].structValue.fields["deep"].stringValue',
    ]);
  });

  it("finds nothing in clean or string-free messages", () => {
    const req = create(CreateAuthorRequestSchema, { name: "Ibn Khaldūn \u200F📚", biography: "e\u0301" });
    expect(textViolations(CreateAuthorRequestSchema, req)).toEqual([]);
    expect(textViolations(DurationSchema, create(DurationSchema, { seconds: 5n }))).toEqual([]);
  });
});
