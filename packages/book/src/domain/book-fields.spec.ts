import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import type { BookFields } from "./book.js";
import { validateBookFields } from "./book-fields.js";

const AUTHOR = "3F1E2D3C-0000-4000-8000-000000000000";
const A = "aaaaaaaa-0000-4000-8000-000000000000";
const B = "bbbbbbbb-0000-4000-8000-000000000000";
const TODAY = new Date("2025-06-01T00:00:00Z");

const valid: BookFields = {
  title: "  Dune ",
  isbn: "0-441-17271-7",
  authorId: AUTHOR,
  categoryIds: [B, A.toUpperCase(), A],
  publisher: " Chilton ",
  publishedYear: 1965,
  language: " en ",
  description: " Spice. ",
  totalCopies: 3,
  loanType: " Short-Loan ",
};

function fieldOf(input: Partial<BookFields>): string | undefined {
  try {
    validateBookFields({ ...valid, ...input }, TODAY);
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.InvalidArgument);
    return (err as ConnectError).rawMessage.split(":")[0];
  }
  return undefined;
}

describe("validateBookFields", () => {
  it("trims text, normalises the ISBN, lower-cases ids and makes the categories a sorted set", () => {
    expect(validateBookFields(valid, TODAY)).toEqual({
      title: "Dune",
      isbn: "9780441172719",
      authorId: AUTHOR.toLowerCase(),
      categoryIds: [A, B],
      publisher: "Chilton",
      publishedYear: 1965,
      language: "en",
      description: "Spice.",
      totalCopies: 3,
      loanType: "short-loan",
    });
  });

  it('makes an empty loanType "standard"', () => {
    expect(validateBookFields({ ...valid, loanType: "" }, TODAY).loanType).toBe("standard");
  });

  it("accepts the bounds: year 0 (unknown) and this year, 0 and 10000 copies, 100 categories, 500-character title", () => {
    const hundred = Array.from({ length: 100 }, (_, i) => `aaaaaaaa-0000-4000-8000-${String(i).padStart(12, "0")}`);
    for (const input of [
      { publishedYear: 0 },
      { publishedYear: 2025 },
      { totalCopies: 0 },
      { totalCopies: 10_000 },
      { categoryIds: hundred },
      { title: "t".repeat(500) },
      { loanType: "" },
      { loanType: "l".repeat(32) },
    ]) {
      expect(fieldOf(input)).toBeUndefined();
    }
  });

  it.each([
    [{ title: "   " }, "title"],
    [{ title: "t".repeat(501) }, "title"],
    [{ isbn: "0-441-17271-8" }, "isbn"],
    [{ isbn: "" }, "isbn"],
    [{ authorId: "" }, "authorId"],
    [{ authorId: "nope" }, "authorId"],
    [{ categoryIds: [A, "nope"] }, "categoryIds[1]"],
    [{ categoryIds: Array.from({ length: 101 }, () => A) }, "categoryIds"],
    [{ publisher: "p".repeat(201) }, "publisher"],
    [{ publishedYear: 2026 }, "publishedYear"],
    [{ publishedYear: -1 }, "publishedYear"],
    [{ language: "l".repeat(51) }, "language"],
    [{ description: "d".repeat(10_001) }, "description"],
    [{ totalCopies: -1 }, "totalCopies"],
    [{ totalCopies: 10_001 }, "totalCopies"],
    [{ loanType: "*" }, "loanType"],
    [{ loanType: "two words" }, "loanType"],
    [{ loanType: "l".repeat(33) }, "loanType"],
  ])("refuses %j naming %s", (input, field) => {
    expect(fieldOf(input)).toBe(field);
  });
});
