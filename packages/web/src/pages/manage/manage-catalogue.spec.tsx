import { screen, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeApi, json } from "../../test/fake-api.js";
import type { FakeCatalogue } from "../../test/fake-catalogue.js";
import { staffApi } from "../../test/fake-circulation.js";
import { renderApp } from "../../test/render-app.js";

describe("Manage: authors, categories, books", () => {
  let api: FakeApi;
  let catalogue: FakeCatalogue;
  beforeEach(() => {
    api = new FakeApi();
    const staff = staffApi(api);
    catalogue = staff.catalogue;
    staff.circulation.addPerson("lib@example.org", "Lena Librarian", "1000000008", "ROLE_LIBRARIAN");
  });

  async function openManage() {
    const user = userEvent.setup();
    await renderApp(api, "/", { signedInAs: "lib@example.org" });
    await user.click(await screen.findByRole("link", { name: "Manage" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Manage" })).toBeDefined();
    return user;
  }

  it("starts empty, then creates an author and a category under a parent", async () => {
    catalogue.addCategory("Fiction");
    const user = await openManage();
    expect(await screen.findByText("No authors yet.")).toBeDefined();

    await user.click(screen.getByRole("button", { name: "New author" }));
    expect(screen.getByRole("heading", { level: 3, name: "New author" })).toBeDefined();
    await user.type(screen.getByLabelText("Name"), "Ursula K. Le Guin");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Added the author Ursula K. Le Guin.")).toBeDefined();
    expect(screen.getByText("Ursula K. Le Guin", { selector: ".record-name" })).toBeDefined();
    expect(api.calls("/api/v1/authors", "POST").map((r) => r.body)).toEqual([{ name: "Ursula K. Le Guin" }]);

    await user.click(screen.getByRole("button", { name: "New category" }));
    await user.type(screen.getByLabelText("Name"), "Fantasy");
    await user.selectOptions(screen.getByLabelText("Parent"), "Fiction");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Added the category Fantasy.")).toBeDefined();
    expect(api.calls("/api/v1/categories", "POST")[0]?.body).toEqual({
      name: "Fantasy",
      parentId: catalogue.categories[0]?.id,
      description: "",
    });
    // The tree: Fantasy is listed inside Fiction's item.
    const fiction = screen.getByText("Fiction", { selector: ".record-name" }).closest("li") as HTMLElement;
    expect(within(fiction).getByText("Fantasy", { selector: ".record-name" })).toBeDefined();
  });

  it("shows a field violation next to its field and keeps Save disabled while saving", async () => {
    const user = await openManage();
    await user.click(await screen.findByRole("button", { name: "New author" }));
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("is required")).toBeDefined();
    expect(screen.getByLabelText("Name").getAttribute("aria-invalid")).toBe("true");
    expect(within(screen.getByRole("alert")).getByText("Name: is required.")).toBeDefined();

    let answer: (r: Response) => void = () => undefined;
    api.on("POST", "/api/v1/authors", () => new Promise<Response>((resolve) => (answer = resolve)));
    await user.type(screen.getByLabelText("Name"), "Octavia E. Butler");
    await user.click(screen.getByRole("button", { name: "Save" }));
    const saving = await screen.findByRole("button", { name: "Saving…" });
    expect(saving.hasAttribute("disabled")).toBe(true);
    answer(json(201, { ...catalogue.addAuthor("Octavia E. Butler") }));
    expect(await screen.findByText("Added the author Octavia E. Butler.")).toBeDefined();
  });

  it("creates a book with an existing author, categories and copies", async () => {
    catalogue.addAuthor("Ursula K. Le Guin");
    catalogue.addCategory("Fantasy");
    catalogue.addCategory("Classics");
    const user = await openManage();
    await user.click(await screen.findByRole("button", { name: "New book" }));
    await user.type(screen.getByLabelText("Title"), "A Wizard of Earthsea");
    await user.type(screen.getByLabelText("ISBN"), "978-0-547-77374-2");
    await user.type(screen.getByLabelText("Author"), "ursula k. le guin");
    await user.selectOptions(screen.getByLabelText("Categories"), ["Fantasy", "Classics"]);
    await user.clear(screen.getByLabelText("Copies"));
    await user.type(screen.getByLabelText("Copies"), "3");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Added the book A Wizard of Earthsea with 3 copies.")).toBeDefined();
    const [sent] = api.calls("/api/v1/books", "POST");
    expect(sent?.body).toEqual({
      title: "A Wizard of Earthsea",
      isbn: "978-0-547-77374-2",
      authorId: catalogue.authors[0]?.id,
      categoryIds: expect.arrayContaining(catalogue.categories.map((c) => c.id)),
      totalCopies: 3,
    });
    expect(await screen.findByRole("link", { name: "A Wizard of Earthsea" })).toBeDefined();
    expect(screen.getByText(/3 of 3 available/)).toBeDefined();

    // Its copies: barcodes and statuses; one marked lost through UpdateCopy.
    await user.click(screen.getByRole("button", { name: "Show copies of A Wizard of Earthsea" }));
    const table = await screen.findByRole("table", { name: "Copies of A Wizard of Earthsea" });
    expect(within(table).getByRole("row", { name: /C00000000001 Available/ })).toBeDefined();
    await user.selectOptions(screen.getByLabelText("New status of C00000000002"), "Lost");
    await user.click(screen.getByRole("button", { name: "Set status of C00000000002" }));
    expect(await within(table).findByRole("row", { name: /C00000000002 Lost/ })).toBeDefined();
    expect(api.calls(`/api/v1/copies/${catalogue.copies[1]?.id}`, "PATCH")[0]?.body).toEqual({ status: "COPY_STATUS_LOST" });
  });

  it("says in words when the author is unknown, and never sends the book", async () => {
    const user = await openManage();
    await user.click(await screen.findByRole("button", { name: "New book" }));
    await user.type(screen.getByLabelText("Title"), "Nobody's Book");
    await user.type(screen.getByLabelText("ISBN"), "9780000000002");
    await user.type(screen.getByLabelText("Author"), "Nobody At All");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await within(await screen.findByRole("alert")).findByText(/^No author is called Nobody At All\./)).toBeDefined();
    expect(screen.getByLabelText("Author").getAttribute("aria-invalid")).toBe("true");
    expect(api.calls("/api/v1/books", "POST")).toEqual([]);
  });

  it("asks before deleting, and shows a refusal in words", async () => {
    const fiction = catalogue.addCategory("Fiction");
    catalogue.addCategory("Fantasy", fiction.id);
    const user = await openManage();
    await user.click(await screen.findByRole("button", { name: "Delete Fiction" }));
    expect(screen.getByText("Delete Fiction? This cannot be undone.")).toBeDefined();
    await user.click(screen.getByRole("button", { name: "Yes, delete" }));
    expect(
      await screen.findByText("This category cannot be deleted while it has sub-categories. Move or delete them first."),
    ).toBeDefined();
    expect(catalogue.categories).toHaveLength(2);
    await user.click(screen.getByRole("button", { name: "Cancel" }));

    await user.click(screen.getByRole("button", { name: "Delete Fantasy" }));
    await user.click(screen.getByRole("button", { name: "Yes, delete" }));
    expect(await screen.findByText("Deleted the category Fantasy.")).toBeDefined();
    expect(catalogue.categories.map((c) => c.name)).toEqual(["Fiction"]);
  });

  it("edits an author and refuses, in words, to delete a book with a copy on loan", async () => {
    const author = catalogue.addAuthor("Ursula Le Guin");
    catalogue.addBook({ title: "The Dispossessed", authorId: author.id, totalCopies: 1 });
    const copy = catalogue.copies[0];
    if (copy) copy.status = "COPY_STATUS_ON_LOAN";
    const user = await openManage();
    await user.click(await screen.findByRole("button", { name: "Edit Ursula Le Guin" }));
    const name = screen.getByLabelText("Name");
    expect(document.activeElement).toBe(name);
    await user.clear(name);
    await user.type(name, "Ursula K. Le Guin{Enter}");
    expect(await screen.findByText("Saved the author Ursula K. Le Guin.")).toBeDefined();
    expect(api.calls(`/api/v1/authors/${author.id}`, "PUT")[0]?.body).toMatchObject({ name: "Ursula K. Le Guin" });
    // Focus goes back to the button that opened the form.
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Edit Ursula K. Le Guin" }));

    await user.click(screen.getByRole("button", { name: "Delete The Dispossessed" }));
    await user.click(screen.getByRole("button", { name: "Yes, delete" }));
    expect(await screen.findByText("This book cannot be deleted while copies of it are on loan.")).toBeDefined();
    expect(catalogue.books).toHaveLength(1);
  });
});
