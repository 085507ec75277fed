import { screen, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeApi } from "../../test/fake-api.js";
import { type FakeCirculation, staffApi } from "../../test/fake-circulation.js";
import { renderApp } from "../../test/render-app.js";

describe("Manage: users", () => {
  let api: FakeApi;
  let circulation: FakeCirculation;
  beforeEach(() => {
    api = new FakeApi();
    circulation = staffApi(api).circulation;
    circulation.addPerson("lib@example.org", "Lena Librarian", "1000000008", "ROLE_LIBRARIAN");
    circulation.addPerson("root@example.org", "Ari Admin", "1000000016", "ROLE_ADMIN");
    circulation.addPerson("ada@example.org", "Ada Lovelace", "2026000042");
  });

  async function findAda(user: ReturnType<typeof userEvent.setup>, signedInAs: string) {
    await renderApp(api, "/manage", { signedInAs });
    await user.type(await screen.findByLabelText("Search users"), "2026");
    await user.click(screen.getByRole("button", { name: "Search users" }));
    const table = await screen.findByRole("table", { name: "Users" });
    return within(table).findByRole("row", { name: /^Ada Lovelace ada@example\.org 2026000042 Member default/ });
  }

  it("lets a librarian change a patron group (UpdateUser with updateMask), with no role control", async () => {
    const user = userEvent.setup();
    const row = await findAda(user, "lib@example.org");
    expect(api.calls("/api/v1/users", "GET").at(-1)?.query.get("q")).toBe("2026");
    expect(screen.getByText("Only administrators can change roles.")).toBeDefined();
    await user.click(within(row).getByRole("button", { name: "Edit Ada Lovelace" }));
    expect(screen.queryByLabelText("Role")).toBeNull();
    const group = screen.getByLabelText("Patron group");
    await user.clear(group);
    await user.type(group, "student");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Saved Ada Lovelace: patron group student.")).toBeDefined();
    const [patch] = api.calls("/api/v1/users/user-3", "PATCH");
    expect(patch?.body).toEqual({ patronGroup: "student", updateMask: "patronGroup" });
    expect(await screen.findByRole("row", { name: /^Ada Lovelace .* Member student/ })).toBeDefined();
    expect(api.requests.filter((r) => r.path.includes("/role"))).toEqual([]);
  });

  it("lets an admin change a role with SetUserRole", async () => {
    const user = userEvent.setup();
    const row = await findAda(user, "root@example.org");
    expect(screen.queryByText("Only administrators can change roles.")).toBeNull();
    await user.click(within(row).getByRole("button", { name: "Edit Ada Lovelace" }));
    await user.selectOptions(screen.getByLabelText("Role"), "Librarian");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Saved Ada Lovelace: role Librarian.")).toBeDefined();
    expect(api.calls("/api/v1/auth/users/user-3/role", "PUT")[0]?.body).toEqual({ role: "ROLE_LIBRARIAN" });
    expect(api.calls("/api/v1/users/user-3", "PATCH")).toEqual([]);
    expect(await screen.findByRole("row", { name: /^Ada Lovelace .* Librarian default/ })).toBeDefined();
  });
});
