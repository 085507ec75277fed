import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { validateCategoryFields } from "./category-fields.js";

const PARENT = "3F1E2D3C-0000-4000-8000-000000000000";

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.InvalidArgument);
    return (err as ConnectError).rawMessage.split(":")[0];
  }
  return undefined;
}

describe("validateCategoryFields", () => {
  it("trims text and lower-cases the parent id", () => {
    expect(validateCategoryFields({ name: "  Fantasy ", description: " epic ", parentId: ` ${PARENT} ` })).toEqual({
      name: "Fantasy",
      description: "epic",
      parentId: PARENT.toLowerCase(),
    });
  });

  it("keeps an empty parent id as a root", () => {
    expect(validateCategoryFields({ name: "Root", description: "", parentId: "" }).parentId).toBe("");
  });

  it("accepts a 100-character name and a 2000-character description", () => {
    expect(() => validateCategoryFields({ name: "n".repeat(100), description: "d".repeat(2000), parentId: "" })).not.toThrow();
  });

  it.each([
    [{ name: "   ", description: "", parentId: "" }, "name"],
    [{ name: "n".repeat(101), description: "", parentId: "" }, "name"],
    [{ name: "Ok", description: "d".repeat(2001), parentId: "" }, "description"],
    [{ name: "Ok", description: "", parentId: "not-a-uuid" }, "parentId"],
  ])("refuses %j naming %s", (input, field) => {
    expect(fieldOf(() => validateCategoryFields(input))).toBe(field);
  });
});
