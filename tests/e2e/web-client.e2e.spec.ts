import { resolve } from "node:path";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { authedTransport } from "../../packages/web/src/api/authed-transport.js";
import { type Api, call, createApi, idempotencyKey } from "../../packages/web/src/api/client.js";
import { ApiError } from "../../packages/web/src/api/errors.js";
import { restAuthCalls } from "../../packages/web/src/session/auth-calls.js";
import { Session } from "../../packages/web/src/session/session.js";
import { createTabSync } from "../../packages/web/src/session/tab-sync.js";
import { fakeChannelHub, fakeLocks, memoryStorage } from "../../packages/web/src/test/fake-tabs.js";
import { nextIsbn } from "./support/fixtures.js";
import { ADMIN, type Stack, startStack } from "./support/stack.js";

const SERVICES = ["auth", "author", "category", "book"] as const;

// The web app's own client code (generated types, session, error words) against the real services,
// through the Vite dev server's proxy built from packages/web/shared/service-routes.ts.
describe("the web app's client through the dev proxy", () => {
  let stack: Stack;
  let vite: ViteDevServer;
  let clock = Date.now();

  /** A signed-in app client: one browser tab's Session and its authed api. */
  function tab(storage: Storage, locks = fakeLocks(), hub = fakeChannelHub()) {
    const session = new Session({ auth: restAuthCalls(), storage, tabs: createTabSync(locks, hub.open()), now: () => clock });
    const api: Api = createApi(authedTransport({ accessToken: () => session.accessToken(), recover: (r) => session.refresh(r) }));
    return { session, api };
  }

  beforeAll(async () => {
    stack = await startStack(SERVICES);
    for (const svc of SERVICES) process.env[`${svc.toUpperCase()}_HTTP_PORT`] = String(stack.services[svc].httpPort);
    vite = await createServer({
      configFile: resolve(import.meta.dirname, "../../packages/web/vite.config.ts"),
      server: { port: 0 },
      logLevel: "warn",
    });
    await vite.listen();
    const address = vite.httpServer?.address();
    if (!address || typeof address === "string") throw new Error("vite did not listen");
    vi.stubGlobal("location", new URL(`http://127.0.0.1:${address.port}/`));
  }, 180_000);
  afterAll(async () => {
    await vite?.close();
    await stack?.stop();
    vi.unstubAllGlobals();
  });

  it("reaches each service by its path and serves the app's page", async () => {
    const api = createApi();
    expect((await call(api.GET("/api/v1/books", {}))).books).toEqual([]);
    expect((await call(api.GET("/api/v1/authors", {}))).authors).toEqual([]);
    expect((await call(api.GET("/api/v1/categories", {}))).categories).toEqual([]);
    expect((await call(api.GET("/api/v1/loan-policies", {}))).policies.length).toBeGreaterThan(0);
    const page = await fetch(new URL("/", location.origin));
    expect(await page.text()).toContain('<div id="root"></div>');
  });

  it("two tabs refreshing at once stay signed in with the real auth service's rotation and reuse detection", async () => {
    const storage = memoryStorage();
    const locks = fakeLocks();
    const hub = fakeChannelHub();
    const a = tab(storage, locks, hub);
    const b = tab(storage, locks, hub);
    await restAuthCalls().register("Tab Tester", "tabs@example.org", "a long passphrase 42");
    await a.session.login("tabs@example.org", "a long passphrase 42");
    clock += 15 * 60_000;
    await Promise.all([a.session.accessToken(), b.session.accessToken()]);
    clock += 15 * 60_000;
    await Promise.all([b.session.accessToken(), a.session.accessToken()]);
    // Still signed in on both, and the server still honours the stored refresh token.
    expect(a.session.principal?.email).toBe("tabs@example.org");
    expect(b.session.principal?.email).toBe("tabs@example.org");
    const loans = await call(b.api.GET("/api/v1/loans", { params: { query: { status: "open" } } }));
    expect(loans.loans).toEqual([]);
    await a.session.logout();
    await expect(restAuthCalls().refresh(storage.getItem("lms.refreshToken") ?? "gone")).rejects.toBeInstanceOf(ApiError);
  });

  it("runs the patron's calls: find, check, borrow, renew, refusal in words, return", async () => {
    const admin = tab(memoryStorage());
    await admin.session.login(ADMIN.email, ADMIN.password);
    const author = await call(admin.api.POST("/api/v1/authors", { body: { name: "Ursula K. Le Guin" } }));
    const book = await call(
      admin.api.POST("/api/v1/books", { body: { title: "The Lathe of Heaven", isbn: nextIsbn(), authorId: author.id, totalCopies: 1 } }),
    );

    const member = tab(memoryStorage());
    await restAuthCalls().register("Patron", "patron@example.org", "a long passphrase 43");
    await member.session.login("patron@example.org", "a long passphrase 43");
    const found = await call(
      member.api.GET("/api/v1/books", { params: { query: { q: "lathe", available: true, authorId: author.id, pageSize: 20 } } }),
    );
    expect(found.books.map((b) => b.title)).toEqual(["The Lathe of Heaven"]);
    expect((await call(member.api.GET("/api/v1/books/{id}/eligibility", { params: { path: { id: book.id } } }))).eligible).toBe(true);

    const borrowed = await call(
      member.api.POST("/api/v1/books/{id}/borrow", {
        params: { path: { id: book.id }, header: { "Idempotency-Key": idempotencyKey() } },
        body: {},
      }),
    );
    const open = await call(member.api.GET("/api/v1/loans", { params: { query: { status: "open" } } }));
    expect(open.loans.map((l) => l.id)).toEqual([borrowed.loan.id]);
    const renewed = await call(
      member.api.POST("/api/v1/loans/{id}/renew", {
        params: { path: { id: borrowed.loan.id }, header: { "Idempotency-Key": idempotencyKey() } },
        body: {},
      }),
    );
    expect(renewed.loan.renewalCount).toBe(1);

    const check = await call(member.api.GET("/api/v1/books/{id}/eligibility", { params: { path: { id: book.id } } }));
    expect(check.eligible).toBe(false);
    expect(check.blockers.map((b) => b.reason)).toContain("ALREADY_BORROWED");
    const again = member.api.POST("/api/v1/books/{id}/borrow", {
      params: { path: { id: book.id }, header: { "Idempotency-Key": idempotencyKey() } },
      body: {},
    });
    const refusal = await call(again).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ApiError);
    expect((refusal as ApiError).message).toBe("You already have this book on loan.");

    await call(
      member.api.POST("/api/v1/books/{id}/return", {
        params: { path: { id: book.id }, header: { "Idempotency-Key": idempotencyKey() } },
        body: {},
      }),
    );
    const past = await call(member.api.GET("/api/v1/loans", { params: { query: { status: "returned" } } }));
    expect(past.loans.map((l) => l.id)).toEqual([borrowed.loan.id]);
  });
});
