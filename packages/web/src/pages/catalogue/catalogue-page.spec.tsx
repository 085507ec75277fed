import { screen, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Book } from "../../api/types.js";
import { apiError, FakeApi, json } from "../../test/fake-api.js";
import { renderApp } from "../../test/render-app.js";

function book(n: number, available = 1): Book {
  const id = `b${n}`;
  return {
    id,
    title: `Book ${String(n).padStart(2, "0")}`,
    isbn: "",
    authorId: "a1",
    categoryIds: [],
    publisher: "",
    publishedYear: 2000,
    language: "en",
    description: "",
    totalCopies: 2,
    availableCopies: available,
    createdAt: "",
    updatedAt: "",
    loanType: "standard",
  };
}

// 45 books served 20 at a time with opaque tokens, as ListBooks does.
function catalogue(api: FakeApi) {
  const all = Array.from({ length: 45 }, (_, i) => book(i + 1));
  api.on("GET", "/api/v1/books", (req) => {
    const start = Number(req.query.get("pageToken")?.replace("tok-", "") ?? 0);
    const size = Number(req.query.get("pageSize"));
    const next = start + size < all.length ? `tok-${start + size}` : "";
    return json(200, { books: all.slice(start, start + size), nextPageToken: next, totalSize: all.length });
  });
}

describe("Catalogue", () => {
  let api: FakeApi;
  beforeEach(() => {
    api = new FakeApi();
    const authors = [
      { id: "a1", name: "Ursula K. Le Guin" },
      { id: "a2", name: "Ursula Moray Williams" },
    ];
    api.on("GET", "/api/v1/authors", (req) => {
      const found = authors.filter((a) => a.name.toLowerCase().includes(req.query.get("q")?.toLowerCase() ?? ""));
      return json(200, { authors: found, nextPageToken: "", totalSize: found.length });
    });
    api.on("GET", "/api/v1/authors/{id}", (_req, { id }) =>
      json(
        200,
        authors.find((a) => a.id === id),
      ),
    );
    api.on("GET", "/api/v1/categories", () => json(200, { categories: [{ id: "c1", name: "Fantasy" }], nextPageToken: "", totalSize: 1 }));
  });

  it("pages through every result with the API's page tokens, and back", async () => {
    catalogue(api);
    const user = userEvent.setup();
    await renderApp(api, "/");
    expect(await screen.findByRole("link", { name: "Book 01" })).toHaveProperty("href", expect.stringContaining("/books/b1"));
    expect(screen.getByText("Showing 1–20 of 45 books")).toBeDefined();
    await user.click(screen.getByRole("button", { name: "Next page" }));
    expect(await screen.findByRole("link", { name: "Book 21" })).toBeDefined();
    await user.click(screen.getByRole("button", { name: "Next page" }));
    expect(await screen.findByRole("link", { name: "Book 45" })).toBeDefined();
    expect(screen.getByText("Showing 41–45 of 45 books")).toBeDefined();
    expect(screen.getByRole("button", { name: "Next page" })).toHaveProperty("disabled", true);
    await user.click(screen.getByRole("button", { name: "Previous page" }));
    expect(await screen.findByRole("link", { name: "Book 21" })).toBeDefined();
    const tokens = api.calls("/api/v1/books").map((r) => r.query.get("pageToken"));
    expect(tokens).toEqual([null, "tok-20", "tok-40"]);
  });

  it("keeps the search and the page in the URL, so Back from a book returns to them", async () => {
    catalogue(api);
    api.on("GET", "/api/v1/books/{id}", () => json(200, book(23)));
    api.on("GET", "/api/v1/books/{id}/recommendations", () => json(200, { books: [] }));
    const user = userEvent.setup();
    const { router } = await renderApp(api, "/");
    await user.type(await screen.findByRole("searchbox", { name: "Search the catalogue" }), "book{Enter}");
    await user.click(await screen.findByRole("button", { name: "Next page" }));
    await user.click(await screen.findByRole("link", { name: "Book 23" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Book 23" })).toBeDefined();
    await router.navigate(-1);
    expect(await screen.findByRole("link", { name: "Book 23" })).toBeDefined();
    expect(screen.getByRole<HTMLInputElement>("searchbox", { name: "Search the catalogue" }).value).toBe("book");
    expect(router.state.location.search).toBe("?q=book&page=tok-20");
  });

  it("sends the search words and filters to ListBooks", async () => {
    catalogue(api);
    const user = userEvent.setup();
    await renderApp(api, "/");
    await screen.findByRole("link", { name: "Book 01" });
    await user.type(screen.getByRole("searchbox", { name: "Search the catalogue" }), "earthsea{Enter}");
    await user.selectOptions(await screen.findByRole("combobox", { name: "Category" }), "Fantasy");
    await user.type(screen.getByRole("combobox", { name: "Author" }), "ursula k. le guin");
    await user.click(screen.getByRole("checkbox", { name: "Available only" }));
    await vi.waitFor(() => {
      const last = api.calls("/api/v1/books").at(-1);
      expect(Object.fromEntries(last?.query ?? [])).toMatchObject({ q: "earthsea", categoryId: "c1", authorId: "a1", available: "true" });
    });
    // Suggestions are asked for once typing pauses, not at every key press.
    expect(api.calls("/api/v1/authors").length).toBeLessThan(4);
    // The results name each book's author.
    expect((await screen.findAllByText("Ursula K. Le Guin · 2000")).length).toBeGreaterThan(0);
  });

  it("says so when nothing matches", async () => {
    api.on("GET", "/api/v1/books", () => json(200, { books: [], nextPageToken: "", totalSize: 0 }));
    await renderApp(api, "/");
    expect(await screen.findByText("No books match. Try other words or fewer filters.")).toBeDefined();
  });

  it("tells of an outage in words, never the raw body", async () => {
    api.on("GET", "/api/v1/books", () => apiError(503, 14, "book database: connection refused"));
    await renderApp(api, "/");
    const alert = await screen.findByRole("alert");
    expect(within(alert).getByText("The library service is unavailable right now. Try again shortly.")).toBeDefined();
    expect(alert.textContent).not.toMatch(/[{}]|connection refused/);
  });
});
