import { screen, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { type FormEvent, lazy, useState } from "react";
import { beforeEach, describe, expect, it } from "vitest";
import { call } from "../api/client.js";
import { errorSentences } from "../api/errors.js";
import type { Screen } from "../app/screens.js";
import { SCREENS } from "../app/screens.js";
import { useServices } from "../app/services-context.js";
import { apiError, FakeApi, json } from "../test/fake-api.js";
import { renderApp } from "../test/render-app.js";

// A form like the staff screens' (typed input, then an authenticated call), behind a role.
function AuthorForm() {
  const { api } = useServices();
  const [name, setName] = useState("");
  const [biography, setBiography] = useState("");
  const [result, setResult] = useState("");
  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const author = await call(api.POST("/api/v1/authors", { body: { name, biography } }));
      setResult(`Saved ${author.name}`);
    } catch (error) {
      setResult(errorSentences(error).join(" "));
    }
  };
  return (
    <form onSubmit={(e) => void save(e)}>
      <label htmlFor="n">Name</label>
      <input id="n" value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor="b">Biography</label>
      <textarea id="b" value={biography} onChange={(e) => setBiography(e.target.value)} />
      <button type="submit">Save</button>
      <p>{result}</p>
    </form>
  );
}
const screens: Screen[] = [...SCREENS, { path: "new-author", role: "librarian", page: lazy(async () => ({ default: AuthorForm })) }];

describe("a 401 from any call", () => {
  let api: FakeApi;
  beforeEach(() => {
    api = new FakeApi();
    api.addUser("lib@example.org", "pw-lib-12345", "ROLE_LIBRARIAN");
    api.on("POST", "/api/v1/authors", (req) =>
      api.authorized(req) ? json(201, { id: "a9", ...(req.body as object) }) : apiError(401, 16, "token expired"),
    );
  });

  async function typeAuthor() {
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("Name"), "Ursula K. Le Guin");
    await user.type(screen.getByLabelText("Biography"), "Wrote Earthsea.");
    await user.click(screen.getByRole("button", { name: "Save" }));
    return user;
  }

  it("is retried after a silent refresh when the login is still valid", async () => {
    await renderApp(api, "/new-author", { signedInAs: "lib@example.org", screens });
    api.expireAccessTokens();
    await typeAuthor();
    expect(await screen.findByText("Saved Ursula K. Le Guin")).toBeDefined();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(api.calls("/api/v1/auth/refresh")).toHaveLength(1);
  });

  it("opens sign-in over the page, keeps what was typed, and sends it once signed in", async () => {
    await renderApp(api, "/new-author", { signedInAs: "lib@example.org", screens });
    api.expireAccessTokens();
    api.validRefresh.clear(); // the login itself has ended (expired or revoked elsewhere)
    const user = await typeAuthor();

    const dialog = await screen.findByRole("dialog", { name: "Sign in to continue" });
    expect(document.activeElement).toBe(within(dialog).getByLabelText("Email"));
    // The page is still there underneath, with the typed values.
    expect(screen.getByLabelText<HTMLInputElement>("Name").value).toBe("Ursula K. Le Guin");
    expect(screen.getByLabelText<HTMLTextAreaElement>("Biography").value).toBe("Wrote Earthsea.");

    await user.type(within(dialog).getByLabelText("Email"), "lib@example.org");
    await user.type(within(dialog).getByLabelText("Password"), "pw-lib-12345");
    await user.click(within(dialog).getByRole("button", { name: "Log in" }));

    expect(await screen.findByText("Saved Ursula K. Le Guin")).toBeDefined();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Save" }));
    const posts = api.calls("/api/v1/authors", "POST");
    expect(posts).toHaveLength(2);
    expect(posts[1]?.body).toEqual({ name: "Ursula K. Le Guin", biography: "Wrote Earthsea." });
    expect(screen.getByLabelText<HTMLInputElement>("Name").value).toBe("Ursula K. Le Guin");
  });

  it("keeps the page and says why the call failed when the person cancels the sign-in", async () => {
    await renderApp(api, "/new-author", { signedInAs: "lib@example.org", screens });
    api.expireAccessTokens();
    api.validRefresh.clear();
    const user = await typeAuthor();
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(await screen.findByText("token expired")).toBeDefined();
    expect(screen.getByLabelText<HTMLInputElement>("Name").value).toBe("Ursula K. Le Guin");
    expect(screen.getByRole("link", { name: "Sign in" })).toBeDefined();
    expect(api.calls("/api/v1/authors", "POST")).toHaveLength(1);
  });
});
