import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWebOrigin, type WebOrigin } from "./origin.js";
import { IMMUTABLE, REVALIDATE } from "./static-app.js";
import { testConfig } from "./testing/fake-upstream.js";

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/index-Ab12Cd34.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify("library ".repeat(400))});`;
// Nothing listens there; these specs never reach an API path.
const NOWHERE = { auth: "http://127.0.0.1:1", author: "http://127.0.0.1:1", category: "http://127.0.0.1:1", book: "http://127.0.0.1:1" };

async function startOn(distDir: string): Promise<{ origin: WebOrigin; base: string }> {
  const origin = await buildWebOrigin(testConfig(NOWHERE, distDir));
  return { origin, base: `http://127.0.0.1:${(await origin.start()).httpPort}` };
}

describe("the origin serves the built app", () => {
  let origin: WebOrigin;
  let base: string;

  beforeAll(async () => {
    const dist = mkdtempSync(join(tmpdir(), "web-dist-"));
    mkdirSync(join(dist, "assets"));
    writeFileSync(join(dist, "index.html"), INDEX);
    writeFileSync(join(dist, "assets", "index-Ab12Cd34.js"), SCRIPT);
    writeFileSync(join(dist, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
    ({ origin, base } = await startOn(dist));
  });
  afterAll(async () => origin?.stop());

  const page = (path: string, accept = "text/html,application/xhtml+xml,*/*;q=0.8") => fetch(`${base}${path}`, { headers: { accept } });

  it("serves index.html at / to be revalidated on every visit, with the app's CSP", async () => {
    const res = await page("/");
    expect([res.status, res.headers.get("cache-control"), await res.text()]).toEqual([200, REVALIDATE, INDEX]);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("serves hashed assets as immutable for a year, gzipped when accepted, and unhashed files revalidated", async () => {
    const asset = await fetch(`${base}/assets/index-Ab12Cd34.js`, { headers: { "accept-encoding": "gzip" } });
    expect([asset.status, asset.headers.get("cache-control"), asset.headers.get("content-encoding")]).toEqual([200, IMMUTABLE, "gzip"]);
    expect(await asset.text()).toBe(SCRIPT); // fetch decodes the gzip
    const icon = await fetch(`${base}/favicon.svg`);
    expect([icon.status, icon.headers.get("cache-control")]).toEqual([200, REVALIDATE]);
  });

  it("answers a page the browser asks for by any other path with index.html (the app's router shows it)", async () => {
    for (const path of ["/books/0f8fad5b-d9cb-469f-a165-70867728950e", "/desk", "/my/loans?page=2"]) {
      const res = await page(path);
      expect([res.status, res.headers.get("cache-control"), await res.text()], path).toEqual([200, REVALIDATE, INDEX]);
    }
  });

  it("never answers a missing asset, an API path or a non-HTML request with the page", async () => {
    for (const [path, accept] of [
      ["/assets/index-Gone0000.js", "text/html"],
      ["/api/v1/nothing", "text/html"],
      ["/books/1", "application/json"],
    ]) {
      const res = await page(path, accept);
      expect([res.status, (await res.json()) as unknown], path).toEqual([404, { code: 12, message: expect.any(String), details: [] }]);
    }
    const post = await fetch(`${base}/desk`, { method: "POST", headers: { accept: "text/html" } });
    expect(post.status).toBe(404);
  });

  it("answers /healthz, /readyz and /metrics like a service, counting requests by kind", async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: "ok" });
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: "ready" });
    await (await fetch(`${base}/api/v1/nothing`)).arrayBuffer();
    await (await fetch(`${base}/favicon.svg`)).arrayBuffer();
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/lms_requests_total\{[^}]*transport="web",method="static",code="200"/);
    expect(metrics).toMatch(/lms_requests_total\{[^}]*method="api:unrouted",code="404"/);
  });
});

describe("the origin without a built app", () => {
  it("starts and says so on / with a plain page, while the API paths stay its own", async () => {
    const { origin, base } = await startOn(join(tmpdir(), "web-dist-that-does-not-exist"));
    try {
      const res = await fetch(`${base}/`);
      expect(res.status).toBe(503);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await res.text()).toContain("The web app is not built yet");
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      await origin.stop();
    }
  });
});
