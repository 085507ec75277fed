import { violatedFields } from "@lms/platform/testing/error-details";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Body, type BookTestApp, nextIsbn, startBookTestApp } from "./book-test-app.js";

// A book's loanType (DESIGN.md §8) through CreateBook, GetBook, UpdateBook, PatchBook and ListBooks.
describe("loanType on books", () => {
  let t: BookTestApp;
  let authorId: string;

  beforeAll(async () => {
    t = await startBookTestApp();
    authorId = t.authors.add();
  });
  afterAll(async () => t?.stop());

  const create = async (extra: Record<string, unknown> = {}) => {
    const res = await t.call("POST", "/api/v1/books", { title: "Typed", isbn: nextIsbn(), authorId, totalCopies: 1, ...extra });
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Body & { id: string; isbn: string };
  };

  it('is "standard" unless given, lower-cased when given, and GetBook and ListBooks show it', async () => {
    expect((await create()).loanType).toBe("standard");
    const reference = await create({ title: "Typed Reference", loanType: " Reference " });
    expect(reference.loanType).toBe("reference");
    expect((await t.call("GET", `/api/v1/books/${reference.id}`, undefined, "")).body.loanType).toBe("reference");
    const listed = await t.call("GET", "/api/v1/books?q=typed%20reference", undefined, "");
    expect((listed.body.books as Body[]).map((b) => b.loanType)).toEqual(["reference"]);
  });

  it("PatchBook changes it alone; UpdateBook without it keeps it, with it sets it", async () => {
    const book = await create({ loanType: "dvd" });
    const patched = await t.call("PATCH", `/api/v1/books/${book.id}?updateMask=loanType`, { loanType: "short-loan", title: "ignored" });
    expect(patched.body).toMatchObject({ loanType: "short-loan", title: "Typed" });
    const full = { title: "Typed 2", isbn: book.isbn, authorId, totalCopies: 1 };
    expect((await t.call("PUT", `/api/v1/books/${book.id}`, full)).body).toMatchObject({ title: "Typed 2", loanType: "short-loan" });
    expect((await t.call("PUT", `/api/v1/books/${book.id}`, { ...full, loanType: "standard" })).body.loanType).toBe("standard");
  });

  it('refuses "*" and malformed names, naming loanType with the other bad fields, and writes nothing', async () => {
    const bad = await t.call("POST", "/api/v1/books", { title: "", isbn: nextIsbn(), authorId, loanType: "*" });
    expect([bad.status, violatedFields(bad.body)]).toEqual([400, ["title", "loanType"]]);
    const book = await create({ loanType: "dvd" });
    const patch = await t.call("PATCH", `/api/v1/books/${book.id}`, { loanType: "two words" });
    expect([patch.status, violatedFields(patch.body)]).toEqual([400, ["loanType"]]);
    expect((await t.call("GET", `/api/v1/books/${book.id}`)).body.loanType).toBe("dvd");
  });
});
