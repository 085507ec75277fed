import { ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { itemCursorOf, nameCursorOf } from "./page-cursor.js";

const ID = "aaaaaaaa-0000-4000-8000-000000000000";

describe("page cursors", () => {
  it("pass through the first page and a well-formed cursor", () => {
    expect(nameCursorOf(undefined)).toBeUndefined();
    expect(nameCursorOf(["fantasy", ID])).toEqual(["fantasy", ID]);
    expect(itemCursorOf(undefined)).toBeUndefined();
    expect(itemCursorOf([ID.toUpperCase()])).toBe(ID);
  });

  it.each([[["fantasy"]], [["fantasy", 7]], [["fantasy", "not-a-uuid"]], [["a", ID, "extra"]]])(
    "refuses the forged name cursor %j with INVALID_ARGUMENT",
    (cursor) => {
      expect(() => nameCursorOf(cursor)).toThrow(ConnectError);
    },
  );

  it.each([[[]], [[1]], [["not-a-uuid"]], [[ID, ID]]])("refuses the forged item cursor %j", (cursor) => {
    expect(() => itemCursorOf(cursor)).toThrow(ConnectError);
  });
});
