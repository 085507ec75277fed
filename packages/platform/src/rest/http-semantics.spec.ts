import { AuthService } from "@lms/gen/library/auth/v1/auth_pb";
import { AuthorService } from "@lms/gen/library/author/v1/author_pb";
import { describe, expect, it } from "vitest";
import { httpRoutesOf } from "./http-rules.js";
import { impliedUpdateMask } from "./http-semantics.js";

const routes = httpRoutesOf([AuthService, AuthorService]);
const route = (name: string) => {
  const found = routes.find((r) => r.method.name === name);
  if (!found) throw new Error(`no route for ${name}`);
  return found;
};

describe("impliedUpdateMask", () => {
  it("takes the keys of a resource body (body: author), as JSON names", () => {
    expect(impliedUpdateMask(route("PatchAuthor"), { id: "a1", author: { biography: "", birth_date: "1929-10-21" } })).toBe(
      "biography,birthDate",
    );
  });

  it("takes the keys of a whole-request body (body: *) but the path fields, so an empty value is still named", () => {
    expect(impliedUpdateMask(route("UpdateUser"), { name: "", patron_group: "staff", id: "u1" })).toBe("name,patronGroup");
    expect(impliedUpdateMask(route("UpdateUser"), { id: "u1" })).toBeUndefined();
  });

  it("leaves a mask the client gave, in either spelling, and every route but PATCH", () => {
    expect(impliedUpdateMask(route("UpdateUser"), { name: "Ann", updateMask: "" })).toBeUndefined();
    expect(impliedUpdateMask(route("UpdateUser"), { name: "Ann", update_mask: "name" })).toBeUndefined();
    expect(impliedUpdateMask(route("PatchAuthor"), { author: { name: "x" }, updateMask: "name" })).toBeUndefined();
    expect(impliedUpdateMask(route("UpdateAuthor"), { name: "x" })).toBeUndefined();
  });
});
