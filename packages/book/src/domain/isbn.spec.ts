import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { isbnSearchPrefix, normalizeIsbn } from "./isbn.js";

function refusal(value: string): ConnectError | undefined {
  try {
    normalizeIsbn(value);
  } catch (err) {
    return err as ConnectError;
  }
  return undefined;
}

describe("normalizeIsbn", () => {
  it.each([
    ["9780306406157", "9780306406157"],
    ["978-0-306-40615-7", "9780306406157"],
    [" 978 0 306 40615 7 ", "9780306406157"],
    ["0-306-40615-2", "9780306406157"],
    ["0306406152", "9780306406157"],
    ["0-8044-2957-X", "9780804429573"],
    ["080442957x", "9780804429573"],
    ["979-10-90636-07-1", "9791090636071"],
  ])("accepts %s as %s", (input, expected) => {
    expect(normalizeIsbn(input)).toBe(expected);
  });

  it.each([
    ["", "is required"],
    ["  - ", "is required"],
    ["0-306-40615-3", "ISBN-10 check digit"],
    ["9780306406158", "ISBN-13 check digit"],
    ["X306406152", "must be an ISBN-10 or ISBN-13"],
    ["97803064061", "must be an ISBN-10 or ISBN-13"],
    ["978030640615X", "must be an ISBN-10 or ISBN-13"],
    ["978.0.306.40615.7", "must be an ISBN-10 or ISBN-13"],
  ])("refuses %j with INVALID_ARGUMENT naming isbn (%s)", (input, why) => {
    const err = refusal(input);
    expect(err).toBeInstanceOf(ConnectError);
    expect(err?.code).toBe(Code.InvalidArgument);
    expect(err?.rawMessage).toMatch(/^isbn: /);
    expect(err?.rawMessage).toContain(why);
  });
});

describe("isbnSearchPrefix", () => {
  it("turns a complete ISBN-10 into its ISBN-13 and keeps digit prefixes", () => {
    expect(isbnSearchPrefix("0-306-40615-2")).toBe("9780306406157");
    expect(isbnSearchPrefix("978-0-306")).toBe("9780306");
    expect(isbnSearchPrefix("9780306406157")).toBe("9780306406157");
  });

  it("is undefined for text that cannot start an ISBN", () => {
    expect(isbnSearchPrefix("dune")).toBeUndefined();
    expect(isbnSearchPrefix("")).toBeUndefined();
    expect(isbnSearchPrefix("97803064061571")).toBeUndefined();
  });
});
