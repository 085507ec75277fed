import { screen, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { apiError, FakeApi, json } from "../../test/fake-api.js";
import { aBook, aLoan } from "../../test/fixtures.js";
import { renderApp } from "../../test/render-app.js";

const DAY = 86_400_000;
const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString();

describe("My loans", () => {
  let api: FakeApi;
  beforeEach(() => {
    api = new FakeApi();
    api.addUser("ada@example.org", "pw-ada-12345");
    api.on("GET", "/api/v1/users/{id}", (_req, { id }) =>
      json(200, { id, name: "Ada", email: "ada@example.org", cardNumber: "2026000042" }),
    );
    const titles: Record<string, string> = { b1: "A Wizard of Earthsea", b2: "The Dispossessed", b3: "Lathe of Heaven" };
    api.on("GET", "/api/v1/books/{id}", (_req, { id = "" }) => json(200, aBook(id, titles[id] ?? "?")));
    api.on("GET", "/api/v1/loans", (req) => {
      if (!api.authorized(req)) return apiError(401, 16, "missing token");
      const loans =
        req.query.get("status") === "open"
          ? [aLoan("l1", "b1", inDays(7)), aLoan("l2", "b2", inDays(-2))]
          : [aLoan("l0", "b3", inDays(-20), inDays(-21))];
      return json(200, { loans, nextPageToken: "", totalSize: loans.length });
    });
  });

  it("lists open loans with titles and due dates, marks the overdue one, and lists past loans", async () => {
    await renderApp(api, "/loans", { signedInAs: "ada@example.org" });
    expect(await screen.findByRole("heading", { level: 1, name: "My loans" })).toBeDefined();
    expect(await screen.findByText("2026000042")).toBeDefined();
    expect(api.calls("/api/v1/users/user-1")).toHaveLength(1);
    const onTime = (await screen.findByRole("link", { name: "A Wizard of Earthsea" })).closest("li") as HTMLElement;
    const late = (await screen.findByRole("link", { name: "The Dispossessed" })).closest("li") as HTMLElement;
    expect(within(onTime).getByText(/^Due /)).toBeDefined();
    expect(within(onTime).queryByText("Overdue")).toBeNull();
    expect(within(late).getByText("Overdue")).toBeDefined();
    const past = screen.getByRole("region", { name: "Past loans" });
    expect(await within(past).findByText("Lathe of Heaven")).toBeDefined();
  });

  it("renews a loan and shows the new due date; a refusal in words", async () => {
    api.on("POST", "/api/v1/loans/{id}/renew", (_req, { id }) =>
      id === "l1"
        ? json(200, { loan: aLoan("l1", "b1", "2027-01-15T10:00:00Z") })
        : apiError(400, 9, "renewal limit reached", "RENEWAL_LIMIT_REACHED"),
    );
    const user = userEvent.setup();
    await renderApp(api, "/loans", { signedInAs: "ada@example.org" });
    const first = (await screen.findByRole("link", { name: "A Wizard of Earthsea" })).closest("li") as HTMLElement;
    await user.click(within(first).getByRole("button", { name: "Renew" }));
    expect(await within(first).findByText(/^Renewed\. Now due/)).toBeDefined();
    const second = screen.getByRole("link", { name: "The Dispossessed" }).closest("li") as HTMLElement;
    await user.click(within(second).getByRole("button", { name: "Renew" }));
    expect(await within(second).findByText("This loan has been renewed as many times as allowed.")).toBeDefined();
  });

  it("returns a book through ReturnBook for that book", async () => {
    api.on("POST", "/api/v1/books/{id}/return", (_req, { id = "" }) =>
      json(200, { loan: aLoan("l1", id, inDays(7), inDays(0)), availableCopies: 2 }),
    );
    const user = userEvent.setup();
    await renderApp(api, "/loans", { signedInAs: "ada@example.org" });
    const first = (await screen.findByRole("link", { name: "A Wizard of Earthsea" })).closest("li") as HTMLElement;
    await user.click(within(first).getByRole("button", { name: "Return" }));
    await screen.findAllByRole("button", { name: "Return" });
    expect(api.calls("/api/v1/books/b1/return", "POST")).toHaveLength(1);
    // The list is read again after a return.
    expect(api.calls("/api/v1/loans").filter((r) => r.query.get("status") === "open").length).toBeGreaterThan(1);
  });

  it("asks a signed-out visitor to sign in, then shows their loans", async () => {
    const user = userEvent.setup();
    await renderApp(api, "/loans");
    await user.type(await screen.findByLabelText("Email"), "ada@example.org");
    await user.type(screen.getByLabelText("Password"), "pw-ada-12345");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    expect(await screen.findByRole("heading", { level: 1, name: "My loans" })).toBeDefined();
    expect(await screen.findByRole("link", { name: "A Wizard of Earthsea" })).toBeDefined();
    expect(screen.getByRole("link", { name: "My loans" })).toBeDefined();
  });
});
