import { act, screen, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { FakeApi } from "../../test/fake-api.js";
import { staffApi } from "../../test/fake-circulation.js";
import { renderApp } from "../../test/render-app.js";

// Found by the browser journey (tests/e2e/web/librarian-journey): after a check-out at the desk,
// the book page still showed the copy as available from the cache. What the desk changes, the
// other screens show at once.
describe("Circulation desk: what it changes, the other screens show", () => {
  it("a book page opened before a check-out and a check-in shows each copy's new status and count", async () => {
    const api = new FakeApi();
    const { catalogue, circulation } = staffApi(api);
    circulation.addPerson("lib@example.org", "Lena Librarian", "1000000008", "ROLE_LIBRARIAN");
    circulation.addPerson("ada@example.org", "Ada Lovelace", "2026000042");
    const book = catalogue.addBook({ title: "A Wizard of Earthsea", totalCopies: 2 }); // C00000000001, C00000000002
    const user = userEvent.setup();
    const { router } = await renderApp(api, `/books/${book.id}`, { signedInAs: "lib@example.org" });
    const copyRow = async (barcode: string) => (await screen.findByRole("cell", { name: barcode })).closest("tr") as HTMLElement;
    expect(within(await copyRow("C00000000001")).getByText("Available")).toBeDefined();
    expect(await screen.findByText("2 of 2 available")).toBeDefined();

    await user.click(screen.getByRole("link", { name: "Circulation desk" }));
    await user.type(await screen.findByLabelText("Patron"), "2026000042");
    await user.type(screen.getByLabelText("Barcode"), "C00000000001");
    await user.click(screen.getByRole("button", { name: "Check out" }));
    expect(await screen.findByText(/^Checked out /)).toBeDefined();

    await act(() => router.navigate(`/books/${book.id}`));
    expect(await within(await copyRow("C00000000001")).findByText("On loan")).toBeDefined();
    expect(await screen.findByText("1 of 2 available")).toBeDefined();

    await user.click(screen.getByRole("link", { name: "Circulation desk" }));
    await user.type(await screen.findByLabelText("Barcode"), "C00000000001");
    await user.click(screen.getByRole("button", { name: "Check in" }));
    expect(await screen.findByText(/^Checked in /)).toBeDefined();

    await act(() => router.navigate(`/books/${book.id}`));
    expect(await within(await copyRow("C00000000001")).findByText("Available")).toBeDefined();
    expect(await screen.findByText("2 of 2 available")).toBeDefined();
  });
});
