import { screen, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { apiError, FakeApi, json } from "../../test/fake-api.js";
import { aBook, aLoan } from "../../test/fixtures.js";
import { renderApp } from "../../test/render-app.js";

describe("Book page", () => {
  let api: FakeApi;
  beforeEach(() => {
    api = new FakeApi();
    api.addUser("ada@example.org", "pw-ada-12345");
    api.addUser("lib@example.org", "pw-lib-12345", "ROLE_LIBRARIAN");
    api.on("GET", "/api/v1/books/{id}", (_req, { id }) => json(200, aBook(id ?? "", "A Wizard of Earthsea")));
    api.on("GET", "/api/v1/authors/{id}", () => json(200, { id: "a1", name: "Ursula K. Le Guin" }));
    api.on("GET", "/api/v1/items/{itemId}/categories", () => json(200, { categories: [{ id: "c1", name: "Fantasy" }] }));
    api.on("GET", "/api/v1/books/{id}/recommendations", () => json(200, { books: [aBook("b2", "The Tombs of Atuan")] }));
    api.on("GET", "/api/v1/books/{bookId}/copies", () =>
      json(200, {
        copies: [
          { id: "k1", bookId: "b1", barcode: "C00000000001", status: "COPY_STATUS_AVAILABLE" },
          { id: "k2", bookId: "b1", barcode: "C00000000002", status: "COPY_STATUS_ON_LOAN" },
        ],
      }),
    );
  });

  it("shows the title, availability and recommendations to everyone, and asks to sign in to borrow", async () => {
    await renderApp(api, "/books/b1");
    expect(await screen.findByRole("heading", { level: 1, name: "A Wizard of Earthsea" })).toBeDefined();
    expect(screen.getByText("1 of 2 available")).toBeDefined();
    expect(await screen.findByText("Ursula K. Le Guin")).toBeDefined();
    expect(await screen.findByText("Fantasy")).toBeDefined();
    const recommended = screen.getByRole("region", { name: "Recommended" });
    expect(await within(recommended).findByRole("link", { name: "The Tombs of Atuan" })).toBeDefined();
    expect(within(screen.getByRole("region", { name: "Borrowing" })).getByRole("link", { name: "Sign in" })).toBeDefined();
    expect(screen.queryByRole("button", { name: "Borrow" })).toBeNull();
    expect(api.calls("/api/v1/books/b1/eligibility")).toEqual([]);
  });

  it("borrows when CheckBorrow says eligible, once, with an Idempotency-Key", async () => {
    api.on("GET", "/api/v1/books/{id}/eligibility", () => json(200, { eligible: true, blockers: [], dueAt: "2026-12-19T10:00:00Z" }));
    api.on("POST", "/api/v1/books/{id}/borrow", (req) =>
      api.authorized(req)
        ? json(200, { loan: aLoan("l1", "b1", "2026-12-19T10:00:00Z"), availableCopies: 0 })
        : apiError(401, 16, "no token"),
    );
    const user = userEvent.setup();
    await renderApp(api, "/books/b1", { signedInAs: "ada@example.org" });
    await user.click(await screen.findByRole("button", { name: "Borrow" }));
    expect(await screen.findByText(/^Borrowed\. Due back/)).toBeDefined();
    const borrows = api.calls("/api/v1/books/b1/borrow", "POST");
    expect(borrows).toHaveLength(1);
    expect(borrows[0]?.headers.get("idempotency-key")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("signing in from the book page comes back to the book, ready to borrow", async () => {
    api.on("GET", "/api/v1/books/{id}/eligibility", () => json(200, { eligible: true, blockers: [], dueAt: "2026-12-19T10:00:00Z" }));
    const user = userEvent.setup();
    await renderApp(api, "/books/b1");
    await user.click(within(await screen.findByRole("region", { name: "Borrowing" })).getByRole("link", { name: "Sign in" }));
    await user.type(await screen.findByLabelText("Email"), "ada@example.org");
    await user.type(screen.getByLabelText("Password"), "pw-ada-12345");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    expect(await screen.findByRole("button", { name: "Borrow" })).toBeDefined();
    expect(screen.getByRole("heading", { level: 1, name: "A Wizard of Earthsea" })).toBeDefined();
  });

  it("lists every blocker in words instead of the Borrow button", async () => {
    api.on("GET", "/api/v1/books/{id}/eligibility", () =>
      json(200, {
        eligible: false,
        blockers: [
          { reason: "PATRON_BLOCKED", message: "patron has 1 overdue loan(s)" },
          { reason: "NO_COPIES_AVAILABLE", message: "no copies available" },
          { reason: "SOMETHING_NEW", message: "The book is being repaired." },
        ],
        dueAt: "2026-12-19T10:00:00Z",
      }),
    );
    await renderApp(api, "/books/b1", { signedInAs: "ada@example.org" });
    expect(await screen.findByText("Borrowing is blocked while a loan is overdue. Return it first.")).toBeDefined();
    expect(screen.getByText("Every copy of this book is on loan right now.")).toBeDefined();
    expect(screen.getByText("The book is being repaired.")).toBeDefined();
    expect(screen.queryByRole("button", { name: "Borrow" })).toBeNull();
  });

  it("shows copies with barcode and status to librarians", async () => {
    api.on("GET", "/api/v1/books/{id}/eligibility", () => json(200, { eligible: true, blockers: [], dueAt: "2026-12-19T10:00:00Z" }));
    await renderApp(api, "/books/b1", { signedInAs: "lib@example.org" });
    const table = await screen.findByRole("table");
    expect(within(table).getByRole("row", { name: "C00000000002 On loan" })).toBeDefined();
  });

  it("does not show copies to members", async () => {
    api.on("GET", "/api/v1/books/{id}/eligibility", () => json(200, { eligible: true, blockers: [], dueAt: "2026-12-19T10:00:00Z" }));
    await renderApp(api, "/books/b1", { signedInAs: "ada@example.org" });
    await screen.findByRole("button", { name: "Borrow" });
    expect(screen.queryByRole("table")).toBeNull();
    expect(api.calls("/api/v1/books/b1/copies")).toEqual([]);
  });
});
