import { screen, waitFor, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeApi } from "../../test/fake-api.js";
import type { FakeCatalogue } from "../../test/fake-catalogue.js";
import { type FakeCirculation, staffApi } from "../../test/fake-circulation.js";
import { renderApp } from "../../test/render-app.js";

describe("Circulation desk", () => {
  let api: FakeApi;
  let catalogue: FakeCatalogue;
  let circulation: FakeCirculation;
  beforeEach(() => {
    api = new FakeApi();
    ({ catalogue, circulation } = staffApi(api));
    circulation.addPerson("lib@example.org", "Lena Librarian", "1000000008", "ROLE_LIBRARIAN");
    circulation.addPerson("ada@example.org", "Ada Lovelace", "2026000042");
    catalogue.addBook({ title: "A Wizard of Earthsea", totalCopies: 2 }); // C00000000001, C00000000002
  });

  async function openDesk() {
    const user = userEvent.setup();
    await renderApp(api, "/desk", { signedInAs: "lib@example.org" });
    expect(await screen.findByRole("heading", { level: 1, name: "Circulation desk" })).toBeDefined();
    return user;
  }

  it("opens ready for a card: reached from the nav, focus is in the Patron field", async () => {
    const user = userEvent.setup();
    await renderApp(api, "/", { signedInAs: "lib@example.org" });
    await user.click(await screen.findByRole("link", { name: "Circulation desk" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Circulation desk" })).toBeDefined();
    // The shell's own focus move runs after the page is shown: wait until it has had its turn.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText("Patron")));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(document.activeElement).toBe(screen.getByLabelText("Patron"));
  });

  it("checks out by card number with Enter, keeps the patron and clears and focuses the barcode", async () => {
    const user = await openDesk();
    await user.type(screen.getByLabelText("Patron"), "2026000042");
    await user.type(screen.getByLabelText("Barcode"), "C00000000001{Enter}");
    const status = await screen.findByRole("status");
    expect(
      await within(status).findByText(
        /^Checked out “A Wizard of Earthsea” \(C00000000001\) to Ada Lovelace \(card 2026000042\)\. Due back/,
      ),
    ).toBeDefined();
    const sent = api.calls("/api/v1/circulation/check-out", "POST");
    expect(sent.map((r) => r.body)).toEqual([{ barcode: "C00000000001", patron: "2026000042" }]);
    expect(sent[0]?.headers.get("idempotency-key")).toMatch(/^[0-9a-f-]{36}$/);
    expect(screen.getByLabelText<HTMLInputElement>("Patron").value).toBe("2026000042");
    expect(screen.getByLabelText<HTMLInputElement>("Barcode").value).toBe("");
    expect(document.activeElement).toBe(screen.getByLabelText("Barcode"));
    // The next scan goes to the same patron.
    await user.type(screen.getByLabelText("Barcode"), "C00000000002");
    await user.click(screen.getByRole("button", { name: "Check out" }));
    expect(await screen.findByText(/^Checked out “A Wizard of Earthsea” \(C00000000002\)/)).toBeDefined();
    expect(catalogue.books[0]?.availableCopies).toBe(0);
  });

  it("resolves a patron typed as an email with ListUsers, and says so when no one has it", async () => {
    const user = await openDesk();
    await user.type(screen.getByLabelText("Patron"), "Ada@Example.org");
    await user.type(screen.getByLabelText("Barcode"), "C00000000001");
    await user.click(screen.getByRole("button", { name: "Check out" }));
    expect(await screen.findByText(/to Ada Lovelace \(card 2026000042\)/)).toBeDefined();
    expect(api.calls("/api/v1/users", "GET")[0]?.query.get("q")).toBe("ada@example.org");
    expect(api.calls("/api/v1/circulation/check-out", "POST")[0]?.body).toEqual({ barcode: "C00000000001", patron: "user-2" });

    await user.clear(screen.getByLabelText("Patron"));
    await user.type(screen.getByLabelText("Patron"), "nobody@example.org");
    await user.type(screen.getByLabelText("Barcode"), "C00000000002{Enter}");
    expect(await within(await screen.findByRole("alert")).findByText("No patron has the email nobody@example.org.")).toBeDefined();
    expect(screen.getByLabelText("Patron").getAttribute("aria-invalid")).toBe("true");
    expect(api.calls("/api/v1/circulation/check-out", "POST")).toHaveLength(1);
  });

  it("shows refusals in words: a blocked patron, a copy already out, an unknown barcode", async () => {
    const user = await openDesk();
    circulation.blocked.add("user-2");
    await user.type(screen.getByLabelText("Patron"), "2026000042");
    await user.type(screen.getByLabelText("Barcode"), "C00000000001{Enter}");
    const alert = await screen.findByRole("alert");
    expect(within(alert).getByText("This patron is blocked: they have a loan that is overdue. Check that copy in first.")).toBeDefined();
    // The barcode stays (selected) so a rescan replaces it.
    expect(screen.getByLabelText<HTMLInputElement>("Barcode").value).toBe("C00000000001");

    circulation.blocked.clear();
    const first = catalogue.copies[0];
    if (first) first.status = "COPY_STATUS_LOST";
    await user.click(screen.getByRole("button", { name: "Check out" }));
    expect(await screen.findByText("That copy cannot be lent: it is on loan, lost or withdrawn.")).toBeDefined();

    await user.clear(screen.getByLabelText("Barcode"));
    await user.type(screen.getByLabelText("Barcode"), "NOPE-1{Enter}");
    expect(await within(await screen.findByRole("alert")).findByText("No copy has the barcode NOPE-1.")).toBeDefined();
  });

  it("checks a copy in: back on the shelf; with no patron Enter checks in; a copy not on loan is refused in words", async () => {
    const user = await openDesk();
    await user.type(screen.getByLabelText("Patron"), "2026000042");
    await user.type(screen.getByLabelText("Barcode"), "C00000000001{Enter}");
    await screen.findByText(/^Checked out/);
    await user.type(screen.getByLabelText("Barcode"), "C00000000001");
    await user.click(screen.getByRole("button", { name: "Check in" }));
    expect(
      await screen.findByText(
        "Checked in “A Wizard of Earthsea” (C00000000001) from Ada Lovelace (card 2026000042). The copy is back on the shelf.",
      ),
    ).toBeDefined();
    expect(catalogue.copies[0]?.status).toBe("COPY_STATUS_AVAILABLE");
    expect(api.calls("/api/v1/circulation/check-in", "POST")[0]?.headers.get("idempotency-key")).toMatch(/^[0-9a-f-]{36}$/);

    // With no patron, Enter checks in.
    await user.clear(screen.getByLabelText("Patron"));
    await user.type(screen.getByLabelText("Barcode"), "C00000000001{Enter}");
    expect(await screen.findByText("That copy is not on loan, so there is nothing to check in.")).toBeDefined();
    expect(api.calls("/api/v1/circulation/check-in", "POST")).toHaveLength(2);
    expect(api.calls("/api/v1/circulation/check-out", "POST")).toHaveLength(1);
  });

  it("is not offered to members", async () => {
    await renderApp(api, "/desk", { signedInAs: "ada@example.org" });
    expect(await screen.findByRole("heading", { level: 1, name: "Not available" })).toBeDefined();
    expect(screen.queryByRole("link", { name: "Circulation desk" })).toBeNull();
  });
});
