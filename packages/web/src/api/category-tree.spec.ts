import { describe, expect, it } from "vitest";
import { categoryTree } from "./category-tree.js";
import type { CategoryRecord } from "./types.js";

const cat = (id: string, name: string, parentId = ""): CategoryRecord => ({
  id,
  name,
  parentId,
  description: "",
  createdAt: "",
  updatedAt: "",
});

describe("categoryTree", () => {
  it("puts each category after its parent, siblings by name, with depth", () => {
    const tree = categoryTree([
      cat("3", "Science fiction"),
      cat("2", "Epic", "1"),
      cat("1", "Fantasy"),
      cat("4", "Cozy", "1"),
      cat("5", "Dragons", "2"),
    ]);
    expect(tree.map((e) => `${e.depth}:${e.category.name}`)).toEqual(["0:Fantasy", "1:Cozy", "1:Epic", "2:Dragons", "0:Science fiction"]);
  });

  it("shows a category whose parent is not listed at the top level", () => {
    expect(categoryTree([cat("2", "Orphan", "missing")]).map((e) => e.depth)).toEqual([0]);
  });
});
