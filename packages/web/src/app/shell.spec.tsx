import { screen, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { lazy } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeApi, json } from "../test/fake-api.js";
import { renderApp } from "../test/render-app.js";
import { navEntries } from "./nav.js";
import { SCREENS, type Screen } from "./screens.js";

const Blank = lazy(async () => ({ default: () => null }));

describe("the shell", () => {
  let api: FakeApi;
  afterEach(() => vi.restoreAllMocks());
  beforeEach(() => {
    api = new FakeApi();
    api.addUser("ada@example.org", "pw-ada-12345");
    api.on("GET", "/api/v1/books", () => json(200, { books: [], nextPageToken: "", totalSize: 0 }));
    api.on("GET", "/api/v1/authors", () => json(200, { authors: [], nextPageToken: "", totalSize: 0 }));
    api.on("GET", "/api/v1/categories", () => json(200, { categories: [], nextPageToken: "", totalSize: 0 }));
  });

  it("offers the catalogue, sign in and create account to visitors", async () => {
    await renderApp(api, "/");
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(
      within(nav)
        .getAllByRole("link")
        .map((l) => l.textContent),
    ).toEqual(["Catalogue"]);
    expect(screen.getByRole("link", { name: "Sign in" })).toBeDefined();
    expect(screen.getByRole("link", { name: "Create account" })).toBeDefined();
    expect(await screen.findByRole("heading", { level: 1, name: "Catalogue" })).toBeDefined();
  });

  it("moves focus to the new page after following a link, for keyboard and screen-reader users", async () => {
    const user = userEvent.setup();
    await renderApp(api, "/");
    await user.click(screen.getByRole("link", { name: "Create account" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Create account" })).toBeDefined();
    expect(document.activeElement).toBe(screen.getByRole("main"));
  });

  it("adds My loans for members, and Log out revokes the login on the server", async () => {
    const user = userEvent.setup();
    const { services } = await renderApp(api, "/", { signedInAs: "ada@example.org" });
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(
      within(nav)
        .getAllByRole("link")
        .map((l) => l.textContent),
    ).toEqual(["Catalogue", "My loans"]);
    await user.click(screen.getByRole("button", { name: "Log out" }));
    expect(await screen.findByRole("link", { name: "Sign in" })).toBeDefined();
    expect(api.calls("/api/v1/auth/logout", "POST")).toHaveLength(1);
    expect(services.session.hasStoredLogin).toBe(false);
  });

  it("shows a nav entry only to the roles it names (the extension point for staff screens)", () => {
    const screens: Screen[] = [...SCREENS, { path: "roles", page: Blank, role: "admin", nav: { label: "Roles" } }];
    const labels = (role?: "member" | "librarian" | "admin") =>
      navEntries(screens, role ? { userId: "u", email: "e", role } : undefined).map((s) => s.nav?.label);
    expect(labels()).toEqual(["Catalogue"]);
    expect(labels("member")).toEqual(["Catalogue", "My loans"]);
    expect(labels("librarian")).toEqual(["Catalogue", "My loans", "Circulation desk", "Manage"]);
    expect(labels("admin")).toEqual(["Catalogue", "My loans", "Circulation desk", "Manage", "Roles"]);
  });

  it("shows a page that fails in words, inside the shell", async () => {
    const Broken = lazy(async () => ({
      default: () => {
        throw new Error("boom");
      },
    }));
    const screens: Screen[] = [...SCREENS, { path: "broken", page: Broken }];
    vi.spyOn(console, "error").mockImplementation(() => undefined); // React reports the error it caught
    await renderApp(api, "/broken", { screens });
    expect(await screen.findByRole("heading", { level: 1, name: "This page could not be shown" })).toBeDefined();
    expect(screen.getByText("Something went wrong. Try again.")).toBeDefined();
    expect(screen.getByRole("navigation", { name: "Main" })).toBeDefined();
  });

  it("creates an account, signs the new member in, and shows a refusal in words", async () => {
    api.on("POST", "/api/v1/auth/register", (req) => {
      const body = req.body as { name: string; email: string; password: string };
      if (body.password === "password") {
        return json(400, {
          code: 3,
          message: "weak",
          details: [
            { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "PASSWORD_TOO_WEAK", domain: "library.auth.v1", metadata: {} },
          ],
        });
      }
      api.addUser(body.email, body.password);
      return json(200, { user: { id: "u2", email: body.email, name: body.name, role: "ROLE_MEMBER" } });
    });
    const user = userEvent.setup();
    await renderApp(api, "/register");
    await user.type(await screen.findByLabelText("Name"), "Grace");
    await user.type(screen.getByLabelText("Email"), "grace@example.org");
    await user.type(screen.getByLabelText("Password"), "password");
    await user.click(screen.getByRole("button", { name: "Create account" }));
    expect(await screen.findByText("That password is too common. Choose a longer, less usual one.")).toBeDefined();
    await user.clear(screen.getByLabelText("Password"));
    await user.type(screen.getByLabelText("Password"), "a longer passphrase");
    await user.click(screen.getByRole("button", { name: "Create account" }));
    expect(await screen.findByRole("button", { name: "Log out" })).toBeDefined();
    expect(screen.getByText("grace@example.org")).toBeDefined();
  });
});
