// The web image's exact start command, as a plain process on the built output (no Docker engine
// here), as image-start.spec.ts does for the services: the build and web-build stages' RUNs run
// in the repository, the `web` stage is laid out from its own instructions, and its CMD is
// started in front of a stand-in service.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "@lms/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../e2e/support/ports.js";
import { readComposeFile } from "./support/compose.js";
import { execCmdOf, readDockerfile, stageNamed } from "./support/dockerfile.js";
import { type StagedImage, StageLayout } from "./support/image-stage.js";
import { PlainProcess } from "./support/plain-process.js";

const dockerfile = readDockerfile();
const runsAsRoot = process.getuid?.() === 0;

describe("the web image's start command on the built output", () => {
  const workRoot = mkdtempSync(join(tmpdir(), "lms-web-image-"));
  chmodSync(workRoot, 0o755); // the image's non-root user must reach its files
  let image: StagedImage;
  let book: Server;
  let bookUrl: string;

  beforeAll(async () => {
    for (const stage of ["build", "web-build"]) {
      for (const { args } of stageNamed(dockerfile, stage).instructions.filter((i) => i.keyword === "RUN")) {
        const result = spawnSync("sh", ["-c", args], { cwd: REPO_ROOT, encoding: "utf8" });
        expect(result.status, `${args}\n${result.stdout}\n${result.stderr}`).toBe(0);
      }
    }
    const stages = { build: { dir: REPO_ROOT, workdir: "/app" }, "web-build": { dir: REPO_ROOT, workdir: "/app" } };
    image = new StageLayout(join(workRoot, "web"), { contextDir: REPO_ROOT, stages, buildArgs: {} })
      .apply(stageNamed(dockerfile, "web").instructions)
      .image();
    // A stand-in for the book service: answers every request with its path.
    book = createServer((req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ path: req.url })));
    const port = await freePort();
    await new Promise<void>((resolve) => book.listen(port, "127.0.0.1", resolve));
    bookUrl = `http://127.0.0.1:${port}`;
  }, 300_000);
  afterAll(() => {
    book?.close();
    rmSync(workRoot, { recursive: true, force: true });
  });

  it("serves /readyz and the app, forwards to the service, passes the compose healthcheck, exits 0 on SIGTERM", async () => {
    const port = await freePort();
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      ...image.env,
      WEB_HTTP_PORT: String(port),
      HOST: "127.0.0.1",
      BOOK_HTTP_URL: bookUrl,
      LOG_LEVEL: "warn",
    };
    expect(env.NODE_ENV).toBe("production");
    const [program, ...rest] = execCmdOf(stageNamed(dockerfile, "web"));
    const proc = new PlainProcess([program === "node" ? process.execPath : program, ...rest], {
      cwd: image.dir,
      env,
      user: runsAsRoot ? image.user : undefined,
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      await proc.waitFor200(`${base}/readyz`);
      const forwarded = await fetch(`${base}/api/v1/books?pageSize=1`);
      expect([forwarded.status, await forwarded.json()]).toEqual([200, { path: "/api/v1/books?pageSize=1" }]);
      // The built app, or (a checkout with no app yet) the page that says so.
      const page = await fetch(`${base}/`, { headers: { accept: "text/html" } });
      expect([200, 503]).toContain(page.status);
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      expect(runHealthcheck(env, image.dir), proc.logs()).toBe(0);
      expect(await proc.stop(), proc.logs()).toBe(0);
    } finally {
      await proc.stop();
    }
  }, 120_000);
});

/** The compose file's healthcheck command of `web`, run with the origin's environment. */
function runHealthcheck(env: Record<string, string>, cwd: string): number | null {
  const test = readComposeFile().services.web?.healthcheck?.test ?? [];
  expect(test[0]).toBe("CMD");
  const [program, ...args] = test.slice(1);
  return spawnSync(program === "node" ? process.execPath : program, args, { env, cwd, encoding: "utf8", timeout: 10_000 }).status;
}
