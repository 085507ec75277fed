// The image's exact start command, as a plain process on the built output (no Docker engine
// here): the build stage's RUN runs in the repository, the runtime stage is laid out from the
// Dockerfile's own instructions (COPYs, `npm ci --omit=dev`, ENV, USER), and its CMD is started
// against a throwaway PostgreSQL database for every service that exists.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { presentServices } from "@lms/cli/services";
import { REPO_ROOT } from "@lms/platform";
import { createTestDatabase, type TestDatabase, testServerAnswers } from "@lms/platform/testing/test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../e2e/support/ports.js";
import { readComposeFile } from "./support/compose.js";
import { execCmdOf, readDockerfile, stageNamed } from "./support/dockerfile.js";
import { StageLayout } from "./support/image-stage.js";
import { PlainProcess } from "./support/plain-process.js";

const server = await testServerAnswers();
if (!server) console.warn("[deploy] image start specs skipped: they need the PostgreSQL server at TEST_DATABASE_URL");

const dockerfile = readDockerfile();
const runtime = dockerfile.stages[dockerfile.stages.length - 1];
const build = stageNamed(dockerfile, "build");
const runsAsRoot = process.getuid?.() === 0;
// Everything before `ARG SERVICE` is shared by the four images (the npm ci layer): laid out once.
const perService = runtime.instructions.findIndex((i) => i.keyword === "ARG" && i.args.split("=")[0] === "SERVICE");

describe.skipIf(!server)("the image's start command on the built output", () => {
  const workRoot = mkdtempSync(join(tmpdir(), "lms-image-"));
  chmodSync(workRoot, 0o755); // the image's non-root user must reach its files

  let shared: StageLayout;

  beforeAll(() => {
    // The build stage is the repository after `npm ci` (same lockfile): run its RUNs here.
    for (const { args } of build.instructions.filter((i) => i.keyword === "RUN")) {
      const result = spawnSync("sh", ["-c", args], { cwd: REPO_ROOT, encoding: "utf8" });
      expect(result.status, `${args}\n${result.stdout}\n${result.stderr}`).toBe(0);
    }
    const context = { contextDir: REPO_ROOT, stages: { build: { dir: REPO_ROOT, workdir: "/app" } }, buildArgs: {} };
    shared = new StageLayout(join(workRoot, "shared"), context).apply(runtime.instructions.slice(0, perService));
  });
  afterAll(() => rmSync(workRoot, { recursive: true, force: true }));

  it("installs only production dependencies", () => {
    const installed = (name: string) => existsSync(join(shared.image().dir, "node_modules", name, "package.json"));
    expect(installed("fastify")).toBe(true);
    expect(["vitest", "typescript", "@biomejs/biome", "kubernetes-models"].filter(installed)).toEqual([]);
  });

  it("is an exec-form CMD that runs the bundle with plain node, after a per-service ARG SERVICE", () => {
    expect(perService).toBeGreaterThan(0);
    expect(execCmdOf(runtime)).toEqual(["node", "--enable-source-maps", "dist/main.js"]);
  });

  for (const { name } of presentServices()) {
    it(`${name}: serves /readyz and its OpenAPI documents as a non-root user, passes the compose healthcheck, exits 0 on SIGTERM`, async () => {
      const image = shared.fork(join(workRoot, name), { SERVICE: name }).apply(runtime.instructions.slice(perService)).image();
      let db: TestDatabase | undefined;
      let proc: PlainProcess | undefined;
      try {
        db = await createTestDatabase(`deploy_${name}`);
        const httpPort = await freePort();
        const env: Record<string, string> = {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          ...image.env,
          DATABASE_URL: String(db.url),
          SERVER_KEY: "deploy-spec-server-key-of-32-chars",
          ADMIN_PASSWORD: "deploy-spec-admin-password",
          HOST: "127.0.0.1",
          GRPC_HOST: "127.0.0.1",
          HTTP_PORT: String(httpPort),
          GRPC_PORT: String(await freePort()),
          LOG_LEVEL: "warn",
        };
        expect(env.NODE_ENV).toBe("production");
        const [program, ...rest] = execCmdOf(runtime);
        const argv = [program === "node" ? process.execPath : program, ...rest];
        proc = new PlainProcess(argv, { cwd: image.dir, env, user: runsAsRoot ? image.user : undefined });
        const base = `http://127.0.0.1:${httpPort}`;
        await proc.waitFor200(`${base}/readyz`);
        const swagger = await fetch(`${base}/api/swagger/${name}.swagger.json`);
        expect(swagger.status).toBe(200);
        expect(((await swagger.json()) as { swagger?: string }).swagger).toBe("2.0");
        const openapi = await fetch(`${base}/api/openapi/${name}.json`);
        expect(openapi.status).toBe(200);
        expect(((await openapi.json()) as { openapi?: string }).openapi).toBe("3.1.0");
        expect(runHealthcheck(name, env, image.dir), proc.logs()).toBe(0);
        expect(await proc.stop(), proc.logs()).toBe(0);
      } finally {
        await proc?.stop();
        await db?.drop();
      }
    }, 180_000);
  }
});

/** The compose file's healthcheck command for `service`, run with the service's environment. */
function runHealthcheck(service: string, env: Record<string, string>, cwd: string): number | null {
  const test = readComposeFile().services[service]?.healthcheck?.test ?? [];
  expect(test[0]).toBe("CMD");
  const [program, ...args] = test.slice(1);
  const result = spawnSync(program === "node" ? process.execPath : program, args, { env, cwd, encoding: "utf8", timeout: 10_000 });
  return result.status;
}
