import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { rest } from "@lms/platform/testing/rest-client";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BrowserPage,
  chromiumAvailable,
  closeBrowser,
  launchChromium,
  openPage,
  saveScreenshot,
  warnBrowserMissing,
} from "./support/browser.js";
import type { Body } from "./support/fixtures.js";
import { freePort } from "./support/ports.js";
import { ADMIN, type Stack, startStack } from "./support/stack.js";

/** What the page's script reports: one entry per cross-origin call. */
interface PageReport {
  list?: { status: number; totalSize: unknown; requestId: string | null } | { error: string };
  create?: { status: number; id: unknown; requestId: string | null } | { error: string };
}

/**
 * A page whose script calls the API from its own origin: a public GET, then a POST with
 * `Authorization` and a JSON body (a non-simple request, so the browser sends a preflight first).
 * It reads `x-request-id`, which a script only sees when the API exposes it.
 */
function pageHtml(config: { authorUrl: string; token: string; name: string }): string {
  const script = `
    const cfg = ${JSON.stringify(config)};
    async function call(run) { try { return await run(); } catch (e) { return { error: e.name + ": " + e.message }; } }
    (async () => {
      const report = {};
      report.list = await call(async () => {
        const res = await fetch(cfg.authorUrl + "/api/v1/authors?pageSize=5");
        const body = await res.json();
        return { status: res.status, totalSize: body.totalSize, requestId: res.headers.get("x-request-id") };
      });
      report.create = await call(async () => {
        const res = await fetch(cfg.authorUrl + "/api/v1/authors", {
          method: "POST",
          headers: { "Authorization": "Bearer " + cfg.token, "Content-Type": "application/json" },
          body: JSON.stringify({ name: cfg.name, biography: "written from a browser", nationality: "NZ" }),
        });
        const body = await res.json();
        return { status: res.status, id: body.id, requestId: res.headers.get("x-request-id") };
      });
      document.getElementById("out").textContent = JSON.stringify(report, null, 2);
      window.__report = report;
    })();`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>CORS probe</title></head>
<body><h1>Cross-origin calls</h1><pre id="out">running…</pre><script>${script}</script></body></html>`;
}

/** Plain HTTP servers (no CORS, no API) that hand out the probe page, on two loopback addresses. */
async function startPageServers(port: number, html: () => string): Promise<Server[]> {
  const servers = ["127.0.0.1", "127.0.0.2"].map((host) => {
    const server = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html()));
    server.listen(port, host);
    return server;
  });
  await Promise.all(servers.map((s) => once(s, "listening")));
  return servers;
}

async function runPage(browser: Browser, url: string, screenshot: string): Promise<{ report: PageReport; console: string[] }> {
  const tab: BrowserPage = await openPage(browser);
  const messages: string[] = [];
  tab.page.on("console", (m) => messages.push(m.text()));
  try {
    await tab.page.goto(url);
    await tab.page.waitForFunction(() => (globalThis as unknown as { __report?: unknown }).__report !== undefined);
    const report = (await tab.page.evaluate(() => (globalThis as unknown as { __report: PageReport }).__report)) as PageReport;
    await saveScreenshot(tab.page, screenshot);
    expect(tab.pageErrors).toEqual([]);
    return { report, console: messages };
  } finally {
    await tab.close();
  }
}

async function authorNames(stack: Stack): Promise<string[]> {
  const res = await rest<Body>(stack.services.author.baseUrl, "GET", "/api/v1/authors?pageSize=100");
  return ((res.body.authors ?? []) as { name: string }[]).map((a) => a.name);
}

// Real auth and author processes on real PostgreSQL with the development CORS default
// (CORS_ORIGINS unset: http://localhost:* and http://127.0.0.1:*), called by headless Chromium
// from pages served on other origins.
const browserPresent = chromiumAvailable();
if (!browserPresent) warnBrowserMissing("CORS from a page on another origin");
describe.skipIf(!browserPresent)("CORS from a page on another origin, in headless Chromium", { timeout: 90_000 }, () => {
  let browser: Browser | undefined;
  let stack: Stack | undefined;
  let pages: Server[] = [];
  let pagePort: number;
  let token: string;
  let nextName = "";

  beforeAll(async () => {
    stack = await startStack(["auth", "author"]);
    const login = await rest<Body>(stack.services.auth.baseUrl, "POST", "/api/v1/auth/login", { body: ADMIN });
    expect(login.status).toBe(200);
    token = String(login.body.accessToken);
    pagePort = await freePort();
    const authorUrl = stack.services.author.baseUrl;
    pages = await startPageServers(pagePort, () => pageHtml({ authorUrl, token, name: nextName }));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await closeBrowser(browser);
    await Promise.all(pages.map((p) => new Promise((resolve) => p.close(resolve))));
    await stack?.stop();
  });

  it("lets a page on an allowed origin (127.0.0.1, another port) list and create with a bearer token", async () => {
    if (!browser || !stack) throw new Error("set-up failed");
    nextName = "Allowed Origin Author";
    expect(`http://127.0.0.1:${pagePort}`).not.toBe(stack.services.author.baseUrl);
    const mark = stack.services.author.logMark();
    const { report } = await runPage(browser, `http://127.0.0.1:${pagePort}/`, "cors-allowed-origin");
    expect(report.list).toMatchObject({ status: 200, totalSize: expect.any(Number) });
    expect(report.create).toMatchObject({ status: expect.any(Number), id: expect.any(String) });
    const create = report.create as { status: number; requestId: string | null };
    expect([200, 201]).toContain(create.status);
    // Readable only because the API lists it in Access-Control-Expose-Headers.
    expect(create.requestId).toMatch(/\S/);
    expect(await authorNames(stack)).toContain(nextName);
    // The POST went out only after the browser's preflight, which the service answered 204.
    expect(stack.services.author.logsSince(mark)).toMatch(
      /"method":"OPTIONS","path":"\/api\/v1\/authors","rpc":"cors-preflight","status":204/,
    );
  });

  it("blocks a page on an origin not in the list (127.0.0.2): both calls fail with a CORS error, nothing is created", async () => {
    if (!browser || !stack) throw new Error("set-up failed");
    nextName = "Refused Origin Author";
    const { report, console } = await runPage(browser, `http://127.0.0.2:${pagePort}/`, "cors-refused-origin");
    expect(report.list).toEqual({ error: expect.stringMatching(/^TypeError: Failed to fetch/) });
    expect(report.create).toEqual({ error: expect.stringMatching(/^TypeError: Failed to fetch/) });
    const blocked = console.filter((m) => m.includes(`from origin 'http://127.0.0.2:${pagePort}' has been blocked by CORS policy`));
    expect(blocked.some((m) => m.includes("/api/v1/authors?pageSize=5"))).toBe(true);
    expect(blocked.some((m) => m.includes("preflight"))).toBe(true);
    // The preflight was refused, so the POST was never sent.
    expect(await authorNames(stack)).not.toContain(nextName);
    // The service itself is fine: the same public GET from Node (no Origin) answers.
    const direct = await rest<Body>(stack.services.author.baseUrl, "GET", "/api/v1/authors?pageSize=5");
    expect(direct.status).toBe(200);
  });
});
