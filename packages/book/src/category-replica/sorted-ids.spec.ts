import { describe, expect, it } from "vitest";
import { insertSorted, removeSorted, walkMerged } from "./sorted-ids.js";

describe("sorted ids", () => {
  it("inserts each id in its place once, and removes only what is there", () => {
    const ids: string[] = [];
    for (const id of ["c", "a", "d", "b", "a", "e"]) insertSorted(ids, id);
    expect(ids).toEqual(["a", "b", "c", "d", "e"]);
    removeSorted(ids, "c");
    removeSorted(ids, "zz");
    removeSorted(ids, "0");
    expect(ids).toEqual(["a", "b", "d", "e"]);
  });

  it("walks the distinct ids of several lists in order, with how many lists hold each, until told to stop", () => {
    const seen: [string, number][] = [];
    walkMerged([["a", "c", "d"], ["b", "c"], ["c", "d", "e"], []], (id, count) => seen.push([id, count]) > 0);
    expect(seen).toEqual([
      ["a", 1],
      ["b", 1],
      ["c", 3],
      ["d", 2],
      ["e", 1],
    ]);
    const firstTwo: string[] = [];
    walkMerged([["a", "b", "c"], ["b"]], (id) => firstTwo.push(id) < 2);
    expect(firstTwo).toEqual(["a", "b"]);
    walkMerged([], () => {
      throw new Error("nothing to visit");
    });
  });
});
