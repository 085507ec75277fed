import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ServiceProcess, spawnService } from "@lms/cli/service-process";
import { WEB_ENTRY } from "@lms/cli/web-origin";
import { freePort } from "./ports.js";
import type { Stack } from "./stack.js";

/** A built app as small as Vite's output can be: index.html and one hashed script. */
export const TINY_APP = {
  index:
    '<!doctype html><html><head><script type="module" src="/assets/main-Q1w2E3r4.js"></script></head><body><div id="root"></div></body></html>',
  assetPath: "/assets/main-Q1w2E3r4.js",
  asset: 'document.getElementById("root").textContent = "Library";',
};

/** Writes {@link TINY_APP} into a fresh directory and returns it. */
export function writeTinyApp(): string {
  const dist = mkdtempSync(join(tmpdir(), "web-e2e-dist-"));
  mkdirSync(join(dist, "assets"));
  writeFileSync(join(dist, "index.html"), TINY_APP.index);
  writeFileSync(join(dist, TINY_APP.assetPath), TINY_APP.asset);
  return dist;
}

/** The real origin process (as `make run` starts it) in front of `stack`, serving `distDir`. */
export async function startWebOrigin(stack: Stack, distDir: string): Promise<{ proc: ServiceProcess; baseUrl: string }> {
  const port = await freePort();
  const upstreams = Object.fromEntries(Object.entries(stack.services).map(([name, s]) => [`${name.toUpperCase()}_HTTP_URL`, s.baseUrl]));
  const env = { ...process.env, ...upstreams, WEB_HTTP_PORT: String(port), HOST: "127.0.0.1", WEB_DIST_DIR: distDir, LOG_LEVEL: "warn" };
  const proc = spawnService({ name: "web", entry: WEB_ENTRY, env, output: { keep: 200 } });
  const baseUrl = `http://127.0.0.1:${port}`;
  await proc.waitReady(`${baseUrl}/readyz`, 60_000);
  return { proc, baseUrl };
}
