// The Compose stack on a real Docker engine, end to end: tests/deploy/stack/compose-up.sh starts
// dockerd when none answers, builds the base images from Debian's packages (no image registry is
// reachable here), builds the four images FROM them with the NODE_IMAGE build argument, `make up`
// (docker compose v2, else docker-compose v1 with deploy/compose-wait.sh), runs the README
// walk-through over REST (also through the web origin) and gRPC, and `make down`. Where no engine can be started, the script
// exits 77 with the reason, and this spec is skipped saying it.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "@lms/platform";
import { describe, expect, it } from "vitest";
import { freePort } from "../e2e/support/ports.js";

const SCRIPT = join(REPO_ROOT, "tests", "deploy", "stack", "compose-up.sh");
const OUT = join(REPO_ROOT, "test-results", "compose-stack");
const SKIPPED = 77;

/** Runs the script to its end; its output is kept for the failure message. */
function runScript(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [SCRIPT, OUT], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d;
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

const readJson = (name: string) => JSON.parse(readFileSync(join(OUT, name), "utf8")) as Record<string, unknown>;

describe("the Compose stack on a real Docker engine", () => {
  it(
    "builds the images FROM local base images, `make up` gets every container healthy, the README walk-through passes over REST and gRPC, `make down` removes it all",
    async (ctx) => {
      // auth, author, category, book, web.
      const ports = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
      const { code, output } = await runScript({ STACK_PORTS: ports.join(" ") });
      if (code === SKIPPED) {
        const reason = output.split("\n").findLast((line) => line.startsWith("SKIP: ")) ?? "SKIP: (no reason given)";
        console.warn(`[compose-stack] SKIPPED the Compose stack on a real engine: ${reason.slice(6)}`);
        ctx.skip(reason.slice(6));
      }
      expect(code, output).toBe(0);

      const walk = readJson("walk.json") as { passed: string[]; failure?: string };
      expect(walk.failure, output).toBeUndefined();
      expect(walk.passed).toHaveLength(9);
      expect(walk.passed).toContainEqual(expect.stringMatching(/through the web origin/));
      expect(walk.passed.at(-1)).toMatch(/^gRPC: /);

      const figures = readJson("figures.json");
      expect(figures).toMatchObject({ walk_status: 0, make_down_status: 0, containers_left: 0 });
      expect(figures.compose).toMatch(/^compose v[12]$/);
      await ctx.annotate(`figures: ${JSON.stringify(figures)}`);
    },
    30 * 60_000,
  );
});
