import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Body, type BookTestApp, startBookTestApp } from "./book-test-app.js";

// The circulation and recommendation methods as the rpc layer mounts them: access rules, proto mapping, hydration.
describe("book rpc wiring", () => {
  let t: BookTestApp;
  let author: string;

  beforeAll(async () => {
    t = await startBookTestApp();
    author = t.authors.add();
  });
  afterAll(async () => t?.stop());

  const createBook = (over: Record<string, unknown> = {}) => t.createBook(author, { title: "Wired", totalCopies: 2, ...over });

  it("borrows and returns for the caller, returnedAt null while the loan is open", async () => {
    const book = await createBook();
    const userId = randomUUID();
    const member = await t.issuer.token("ROLE_MEMBER", userId);
    expect((await t.call("POST", `/api/v1/books/${book.id}/borrow`, {}, "")).status).toBe(401);
    const borrowed = await t.call("POST", `/api/v1/books/${book.id}/borrow`, {}, member);
    expect(borrowed.status).toBe(200);
    expect(borrowed.body.availableCopies).toBe(1);
    const loan = borrowed.body.loan as Body;
    expect(loan).toMatchObject({ bookId: book.id, userId });
    expect(loan).toHaveProperty("returnedAt", null);
    expect(Date.parse(String(loan.dueAt))).toBeGreaterThan(Date.parse(String(loan.borrowedAt)));
    const loans = await t.call("GET", "/api/v1/loans?status=open", undefined, member);
    expect(loans.body).toMatchObject({ totalSize: 1, nextPageToken: "", loans: [{ id: loan.id }] });
    const returned = await t.call("POST", `/api/v1/books/${book.id}/return`, {}, member);
    expect(returned.body).toMatchObject({ availableCopies: 2, loan: { id: loan.id } });
    expect(Date.parse(String((returned.body.loan as Body).returnedAt))).toBeGreaterThan(0);
  });

  it("lets a member list only their own loans (403 naming another user)", async () => {
    expect((await t.call("GET", `/api/v1/loans?userId=${randomUUID()}`, undefined, t.member)).status).toBe(403);
    expect((await t.call("GET", "/api/v1/loans", undefined, "")).status).toBe(401);
  });

  it("answers recommendations as whole books, best first, with categoryIds from one call", async () => {
    const shared = t.categories.add();
    const target = await createBook({ title: "Target", categoryIds: [shared] });
    const sibling = await createBook({ title: "Sibling", categoryIds: [shared] });
    const before = t.categories.calls.categoriesOf;
    const res = await t.call("GET", `/api/v1/books/${target.id}/recommendations?limit=5`, undefined, "");
    expect(res.status).toBe(200);
    const books = res.body.books as Body[];
    expect(books.map((b) => b.id)).not.toContain(target.id);
    expect(books[0]).toEqual(sibling);
    expect(t.categories.calls.categoriesOf - before).toBe(1);
    expect((await t.call("GET", `/api/v1/books/${target.id}/recommendations?limit=51`)).status).toBe(400);
    expect((await t.call("GET", `/api/v1/books/${randomUUID()}/recommendations`)).status).toBe(404);
  });
});
