import { describe, expect, it } from "vitest";
import { LinkIndex } from "./link-index.js";

const [c1, c2, c3] = [
  "c1000000-0000-4000-8000-000000000000",
  "c2000000-0000-4000-8000-000000000000",
  "c3000000-0000-4000-8000-000000000000",
];
const item = (n: number) => `a${String(n).padStart(7, "0")}-0000-4000-8000-000000000000`;

describe("LinkIndex", () => {
  it("holds each item's whole set: a set replaces the last, [] removes the item", () => {
    const index = new LinkIndex();
    index.set(item(1), [c2, c1, c1]);
    expect(index.categoriesOf(item(1))).toEqual([c1, c2]);
    index.set(item(1), [c3]);
    expect(index.categoriesOf(item(1))).toEqual([c3]);
    expect(index.itemsIn([c1], 10)).toEqual([]);
    index.set(item(1), []);
    expect(index.categoriesOf(item(1))).toEqual([]);
    expect(index.size).toBe(0);
    expect(index.itemsIn([c3], 10)).toEqual([]);
  });

  it("answers copies the caller may change, and upper-case ids like lower-case ones", () => {
    const index = new LinkIndex();
    index.set(item(1).toUpperCase(), [c1.toUpperCase()]);
    const answer = index.categoriesOf(item(1));
    answer.push("changed");
    expect(index.categoriesOf(item(1).toUpperCase())).toEqual([c1]);
    expect(index.itemsIn([c1.toUpperCase()], 5)).toEqual([item(1)]);
  });

  it("lists the first items of one or several categories in id order, each once, up to the limit", () => {
    const index = new LinkIndex();
    for (const n of [5, 3, 9, 1]) index.set(item(n), n % 2 ? [c1, c2] : [c1]);
    index.set(item(4), [c2]);
    expect(index.itemsIn([c1], 10)).toEqual([item(1), item(3), item(5), item(9)]);
    expect(index.itemsIn([c1], 2)).toEqual([item(1), item(3)]);
    expect(index.itemsIn([c1, c2], 10)).toEqual([item(1), item(3), item(4), item(5), item(9)]);
    expect(index.itemsIn([c1, c2], 3)).toEqual([item(1), item(3), item(4)]);
    expect(index.itemsIn([c1], 0)).toEqual([]);
    index.set(item(3), [c2]);
    expect(index.itemsIn([c1], 10)).toEqual([item(1), item(5), item(9)]);
  });

  it("relates items by shared categories, most shared first, then by id, never the item itself", () => {
    const index = new LinkIndex();
    index.set(item(1), [c1, c2, c3]);
    index.set(item(2), [c1]);
    index.set(item(3), [c1, c2]);
    index.set(item(4), [c3, c2, c1]);
    index.set(item(5), [c2]);
    index.set(item(6), []);
    expect([...index.related(item(1), 10)]).toEqual([
      [item(4), 3],
      [item(3), 2],
      [item(2), 1],
      [item(5), 1],
    ]);
    expect([...index.related(item(1), 2)]).toEqual([
      [item(4), 3],
      [item(3), 2],
    ]);
    expect([...index.related(item(6), 10)]).toEqual([]);
    expect([...index.related(item(1), 0)]).toEqual([]);
  });

  it("relates alike when one category is far larger than the others (the walk that looks items up in it)", () => {
    const index = new LinkIndex();
    for (let n = 10; n < 400; n++) index.set(item(n), n % 50 === 0 ? [c1, c2] : [c1]);
    index.set(item(1), [c1, c2]);
    index.set(item(2), [c2, c3]);
    const related = index.related(item(1), 5);
    expect([...related]).toEqual([
      [item(50), 2],
      [item(100), 2],
      [item(150), 2],
      [item(200), 2],
      [item(250), 2],
    ]);
    const wide = index.related(item(1), 12);
    expect([...wide].slice(7)).toEqual([
      [item(2), 1],
      [item(10), 1],
      [item(11), 1],
      [item(12), 1],
      [item(13), 1],
    ]);
  });

  it("forgets everything on clear", () => {
    const index = new LinkIndex();
    index.set(item(1), [c1]);
    index.clear();
    expect([index.size, index.categoriesOf(item(1)), index.itemsIn([c1], 5)]).toEqual([0, [], []]);
  });
});
