import { screen, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeApi } from "../../test/fake-api.js";
import { type FakeCirculation, staffApi } from "../../test/fake-circulation.js";
import { renderApp } from "../../test/render-app.js";

describe("Manage: loan policies", () => {
  let api: FakeApi;
  let circulation: FakeCirculation;
  beforeEach(() => {
    api = new FakeApi();
    circulation = staffApi(api).circulation;
    circulation.addPerson("lib@example.org", "Lena Librarian", "1000000008", "ROLE_LIBRARIAN");
    circulation.policies.push({ patronGroup: "student", loanType: "*", loanable: true, loanDays: 21, maxRenewals: 1, maxLoans: 3 });
  });

  async function policiesTable() {
    await renderApp(api, "/manage", { signedInAs: "lib@example.org" });
    return screen.findByRole("table", { name: "Loan policies" });
  }

  it("lists the policies and edits a row with PutLoanPolicy", async () => {
    const user = userEvent.setup();
    const table = await policiesTable();
    expect(within(table).getByRole("row", { name: /^Any Any Yes 14 2 5/ })).toBeDefined();
    await user.click(within(table).getByRole("button", { name: "Edit the policy for student, any loan type" }));
    const days = screen.getByLabelText("Loan days");
    await user.clear(days);
    await user.type(days, "28");
    await user.click(screen.getByLabelText("Loanable"));
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Saved the loan policy for student, any loan type.")).toBeDefined();
    const [put] = api.calls("/api/v1/loan-policies/student/*", "PUT");
    expect(put?.body).toEqual({ loanable: false, loanDays: 28, maxRenewals: 1, maxLoans: 3 });
    expect(await within(table).findByRole("row", { name: /^student Any No 28 1 3/ })).toBeDefined();
  });

  it("adds a row, shows an out-of-range value next to its field, and refuses to delete the default in words", async () => {
    const user = userEvent.setup();
    const table = await policiesTable();
    await user.click(screen.getByRole("button", { name: "New loan policy" }));
    await user.type(screen.getByLabelText("Patron group"), "staff");
    await user.type(screen.getByLabelText("Loan type"), "reference");
    await user.clear(screen.getByLabelText("Loan days"));
    await user.type(screen.getByLabelText("Loan days"), "400");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findAllByText("Enter a whole number from 0 to 365.")).toHaveLength(2);
    expect(screen.getByLabelText("Loan days").getAttribute("aria-invalid")).toBe("true");
    await user.clear(screen.getByLabelText("Loan days"));
    await user.type(screen.getByLabelText("Loan days"), "0");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await within(table).findByRole("row", { name: /^staff reference Yes 0 2 5/ })).toBeDefined();

    await user.click(within(table).getByRole("button", { name: "Delete the policy for any group, any loan type" }));
    await user.click(screen.getByRole("button", { name: "Yes, delete" }));
    expect(
      await screen.findByText("The default loan policy (any group, any loan type) cannot be deleted; change it instead."),
    ).toBeDefined();
    expect(circulation.policies).toHaveLength(3);
  });
});
