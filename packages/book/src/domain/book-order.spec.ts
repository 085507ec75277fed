import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { parseOrderBy } from "./book-order.js";

describe("parseOrderBy", () => {
  it.each([
    ["", { key: "createdAt", desc: false }],
    ["   ", { key: "createdAt", desc: false }],
    ["title", { key: "title", desc: false }],
    ["title desc", { key: "title", desc: true }],
    [" publishedYear   desc ", { key: "publishedYear", desc: true }],
    ["createdAt", { key: "createdAt", desc: false }],
    ["createdAt desc", { key: "createdAt", desc: true }],
  ])("reads %j", (input, expected) => {
    expect(parseOrderBy(input)).toEqual(expected);
  });

  it.each(["author", "Title", "title asc", "title DESC", "title desc extra", "published_year", "lower(title)", "title; drop table books"])(
    "refuses %j with INVALID_ARGUMENT naming orderBy",
    (input) => {
      const err = (() => {
        try {
          parseOrderBy(input);
        } catch (e) {
          return e as ConnectError;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(ConnectError);
      expect(err?.code).toBe(Code.InvalidArgument);
      expect(err?.rawMessage).toMatch(/^orderBy: /);
    },
  );
});
