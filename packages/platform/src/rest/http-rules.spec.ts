import { AuthorService } from "@lms/gen/library/author/v1/author_pb";
import { BookService } from "@lms/gen/library/book/v1/book_pb";
import { CategoryService } from "@lms/gen/library/category/v1/category_pb";
import { describe, expect, it } from "vitest";
import { type HttpRoute, httpRoutesOf } from "./http-rules.js";

const routes = httpRoutesOf([AuthorService, CategoryService, BookService]);

function route(name: string): HttpRoute {
  const found = routes.find((r) => r.method.name === name);
  if (!found) throw new Error(`no route for ${name}`);
  return found;
}

describe("httpRoutesOf", () => {
  it.each([
    ["CreateAuthor", "POST", "/api/v1/authors", "*"],
    ["GetAuthor", "GET", "/api/v1/authors/:id", ""],
    ["UpdateAuthor", "PUT", "/api/v1/authors/:id", "*"],
    ["PatchAuthor", "PATCH", "/api/v1/authors/:id", "author"],
    ["DeleteAuthor", "DELETE", "/api/v1/authors/:id", ""],
    ["ListAuthors", "GET", "/api/v1/authors", ""],
    ["UpdateItemCategories", "PUT", "/api/v1/items/:item_id/categories", "*"],
    ["GetItemCategories", "GET", "/api/v1/items/:item_id/categories", ""],
    ["BulkAddItemToCategories", "POST", "/api/v1/categories/bulk-add-item", "*"],
    ["ListBooks", "GET", "/api/v1/books", ""],
    ["BorrowBook", "POST", "/api/v1/books/:id/borrow", "*"],
    ["GetBookRecommendations", "GET", "/api/v1/books/:id/recommendations", ""],
    ["ListLoans", "GET", "/api/v1/loans", ""],
    ["PutLoanPolicy", "PUT", "/api/v1/loan-policies/:patron_group/:loan_type", "*"],
    ["ListCopies", "GET", "/api/v1/books/:book_id/copies", ""],
    ["AddCopies", "POST", "/api/v1/books/:book_id/copies", "*"],
    ["UpdateCopy", "PATCH", "/api/v1/copies/:id", "*"],
    ["LookupBarcode", "GET", "/api/v1/barcodes/:barcode", ""],
    ["CheckOut", "POST", "/api/v1/circulation/check-out", "*"],
    ["CheckIn", "POST", "/api/v1/circulation/check-in", "*"],
    ["RenewLoan", "POST", "/api/v1/loans/:id/renew", "*"],
    ["CheckBorrow", "GET", "/api/v1/books/:id/eligibility", ""],
  ])("%s → %s %s (body %j)", (name, verb, url, body) => {
    expect(route(name)).toMatchObject({ verb, url, body });
  });

  it("keeps the proto template and the path fields in order", () => {
    expect(route("GetItemCategories")).toMatchObject({ template: "/api/v1/items/{item_id}/categories", pathFields: ["item_id"] });
    expect(route("CreateBook").pathFields).toEqual([]);
  });

  it("derives a route for every annotated method and none for gRPC-only ones", () => {
    const names = routes.map((r) => r.method.name);
    for (const gRpcOnly of ["BatchGetAuthors", "ListCategoryItems", "BatchGetItemCategories", "RemoveItemLinks", "CountAuthorBooks"]) {
      expect(names).not.toContain(gRpcOnly);
    }
    expect(routes).toHaveLength(6 + 9 + 21);
  });

  it("points each route at the method of its service", () => {
    expect(route("GetBook").method).toBe(BookService.method.getBook);
    expect(route("GetCategory").method.parent).toBe(CategoryService);
  });

  it("builds a pattern that matches concrete paths only", () => {
    const { pattern } = route("GetItemCategories");
    expect(pattern.test("/api/v1/items/42/categories")).toBe(true);
    expect(pattern.test("/api/v1/items/42/categories/")).toBe(true);
    expect(pattern.test("/api/v1/items/categories")).toBe(false);
    expect(pattern.test("/api/v1/items/4/2/categories")).toBe(false);
    expect(pattern.test("/api/v1/items/42/categories/extra")).toBe(false);
    expect(route("ListBooks").pattern.test("/api/v1/books/1")).toBe(false);
  });
});
