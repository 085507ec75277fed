import { ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { bookCursorOf } from "./page-cursor.js";

const ID = "aaaaaaaa-0000-4000-8000-000000000000";

describe("bookCursorOf", () => {
  it("passes through the first page and well-formed cursors of each order", () => {
    expect(bookCursorOf(undefined, "title")).toBeUndefined();
    expect(bookCursorOf(["dune", ID], "title")).toEqual(["dune", ID]);
    expect(bookCursorOf(["", ID.toUpperCase()], "title")).toEqual(["", ID]);
    expect(bookCursorOf([1965, ID], "publishedYear")).toEqual([1965, ID]);
    expect(bookCursorOf([0, ID], "publishedYear")).toEqual([0, ID]);
    expect(bookCursorOf(["2024-02-29T23:59:59.123456Z", ID], "createdAt")).toEqual(["2024-02-29T23:59:59.123456Z", ID]);
  });

  it.each([
    [["dune"], "title"],
    [["dune", "not-a-uuid"], "title"],
    [[7, ID], "title"],
    [["dune", ID, "extra"], "title"],
    [["x".repeat(2001), ID], "title"],
    [["1965", ID], "publishedYear"],
    [[1965.5, ID], "publishedYear"],
    [[-1, ID], "publishedYear"],
    [[2 ** 31, ID], "publishedYear"],
    [[1700000000000, ID], "createdAt"],
    [["2024-02-29T23:59:59.123Z", ID], "createdAt"],
    [["2023-02-29T23:59:59.123456Z", ID], "createdAt"],
    [["2024-13-01T00:00:00.000000Z", ID], "createdAt"],
    [["2024-01-01 00:00:00.000000Z", ID], "createdAt"],
    [["yesterday", ID], "createdAt"],
  ] as const)("refuses the forged cursor %j for %s", (cursor, key) => {
    expect(() => bookCursorOf([...cursor], key)).toThrow(ConnectError);
  });
});
