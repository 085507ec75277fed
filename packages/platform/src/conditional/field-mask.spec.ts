import { create } from "@bufbuild/protobuf";
import { FieldMaskSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { AuthorSchema } from "@lms/gen/library/author/v1/author_pb";
import { describe, expect, it } from "vitest";
import { maskedFields, pickFields } from "./field-mask.js";

const RULES = { writable: ["name", "biography", "birth_date", "nationality"], outputOnly: ["id", "created_at", "updated_at"] };
const mask = (...paths: string[]) => create(FieldMaskSchema, { paths });
const author = create(AuthorSchema, { name: "Ann", nationality: "NZ" });

describe("maskedFields", () => {
  it("takes the mask's writable paths as local names, ignoring output-only ones", () => {
    expect(maskedFields(AuthorSchema, author, mask("birth_date", "id", "name"), RULES)).toEqual(["name", "birthDate"]);
  });

  it("* is every writable field; no mask is the populated ones", () => {
    expect(maskedFields(AuthorSchema, author, mask("*"), RULES)).toEqual(["name", "biography", "birthDate", "nationality"]);
    expect(maskedFields(AuthorSchema, author, undefined, RULES)).toEqual(["name", "nationality"]);
  });

  it("refuses an unknown or nested path naming updateMask", () => {
    for (const path of ["shoe_size", "name.first"]) {
      let caught: unknown;
      try {
        maskedFields(AuthorSchema, author, mask(path), RULES);
      } catch (err) {
        caught = err;
      }
      expect(ConnectError.from(caught).code).toBe(Code.InvalidArgument);
      expect(ConnectError.from(caught).rawMessage).toMatch(/^updateMask: /);
    }
  });
});

describe("pickFields", () => {
  it("keeps only the named entries", () => {
    expect(pickFields({ a: 1, b: 2, c: 3 }, ["a", "c"])).toEqual({ a: 1, c: 3 });
  });
});
