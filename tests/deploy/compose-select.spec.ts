// deploy/compose.sh (`make up` / `make down`) picks the Compose it finds, and gives docker-compose v1
// (no `up --wait`) the health polling of deploy/compose-wait.sh. Here `docker` and `docker-compose`
// are stubs on PATH that record their arguments and report container states, so both branches
// run on any machine; compose-stack.spec.ts runs the real ones on a real engine.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "@lms/platform";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const COMPOSE_SH = join(REPO_ROOT, "deploy", "compose.sh");
let dir: string;
let envFile: string;

// The stubs append "<program> <args>" to calls.log. `docker compose version` succeeds only with
// STUB_V2=1; `docker inspect -f <format> c1 c2` prints the "<name> <status> <health>" entries of
// STUB_STATES (comma-separated) for those ids.
const DOCKER = `#!/bin/sh
echo "docker $*" >> "$STUB_DIR/calls.log"
case "$1 $2" in
  "compose version") [ "$STUB_V2" = 1 ] || exit 1; echo "v2.29.0"; exit 0 ;;
esac
if [ "$1" = inspect ]; then
  shift 3
  for id in "$@"; do printf '%s\\n' "$STUB_STATES" | cut -d, -f"\${id#c}"; done
  exit 0
fi
[ "$1" = logs ] && { echo "last log line"; exit 0; }
exit 0
`;
const DOCKER_COMPOSE = `#!/bin/sh
echo "docker-compose $*" >> "$STUB_DIR/calls.log"
case " $* " in
  *" version "*) echo "1.29.2" ;;
  *" ps -q "*) echo c1; echo c2 ;;
esac
exit 0
`;

function stub(name: string, text: string): void {
  writeFileSync(join(dir, name), text);
  chmodSync(join(dir, name), 0o755);
}

function run(args: string[], env: Record<string, string>, path = `${dir}:${process.env.PATH}`) {
  const result = spawnSync("/bin/bash", [COMPOSE_SH, ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { PATH: path, STUB_DIR: dir, ENV_FILE: envFile, COMPOSE_PROJECT: "stubbed", ...env },
  });
  const calls = (() => {
    try {
      return readFileSync(join(dir, "calls.log"), "utf8").trim().split("\n");
    } catch {
      return [];
    }
  })();
  return { status: result.status, out: result.stdout + result.stderr, calls };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "lms-compose-sh-"));
  envFile = join(dir, "stack.env");
  writeFileSync(envFile, "SERVER_KEY=x\n");
  stub("docker", DOCKER);
  stub("docker-compose", DOCKER_COMPOSE);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const options = () => `--project-name stubbed --env-file ${envFile} -f deploy/docker-compose.yml`;

describe("deploy/compose.sh", () => {
  it("uses the v2 plugin when `docker compose version` answers, with up --wait", () => {
    const { status, calls, out } = run(["up"], { STUB_V2: "1" });
    expect(status, out).toBe(0);
    expect(calls).toContain(`docker compose ${options()} up -d --build --wait --wait-timeout 300`);
    expect(calls.some((c) => c.startsWith("docker-compose"))).toBe(false);
  });

  it("falls back to docker-compose v1: up without --wait, then waits for every container to be healthy", () => {
    const { status, calls, out } = run(["up"], { STUB_STATES: "/stubbed_postgres_1 running healthy,/stubbed_auth_1 running healthy" });
    expect(status, out).toBe(0);
    expect(calls).toContain(`docker-compose ${options()} up -d --build`);
    expect(calls).toContain(`docker-compose ${options()} ps -q`);
    expect(out).toContain("compose-wait: all 2 containers running and healthy");
  });

  it("v1: past COMPOSE_WAIT_TIMEOUT it fails, naming the container that is not healthy with its health and logs", () => {
    const states = "/stubbed_postgres_1 running healthy,/stubbed_auth_1 running unhealthy";
    const { status, out } = run(["up"], { STUB_STATES: states, COMPOSE_WAIT_TIMEOUT: "0" });
    expect(status).toBe(1);
    expect(out).toContain("compose-wait: TIMEOUT after 0s: 1 of 2 containers healthy");
    expect(out).toContain("not ready: stubbed_auth_1 running unhealthy");
    expect(out).toContain("log: last log line");
  });

  it("v1: a container that stopped fails the wait at once", () => {
    const { status, out } = run(["up"], { STUB_STATES: "/stubbed_postgres_1 running healthy,/stubbed_auth_1 exited no-healthcheck" });
    expect(status).toBe(1);
    expect(out).toContain("a container stopped before the stack was healthy");
  });

  it("passes other commands through (down with its arguments)", () => {
    const { status, calls } = run(["down", "-v"], { STUB_V2: "1" });
    expect(status).toBe(0);
    expect(calls).toContain(`docker compose ${options()} down -v`);
  });

  it("LMS_COMPOSE=v1 picks docker-compose even when the v2 plugin answers", () => {
    const { calls } = run(["down"], { STUB_V2: "1", LMS_COMPOSE: "v1" });
    expect(calls).toContain(`docker-compose ${options()} down`);
  });

  it("says what is missing: the env file, or any Compose at all", () => {
    const noEnv = run(["up"], { ENV_FILE: join(dir, "absent.env") });
    expect(noEnv.status).toBe(1);
    expect(noEnv.out).toContain("cp .env.example .env");

    const bare = join(dir, "bare");
    spawnSync("mkdir", [bare]);
    symlinkSync(join(dir, "docker"), join(bare, "docker"));
    for (const tool of ["dirname", "realpath"])
      symlinkSync(spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim(), join(bare, tool));
    const none = run(["up"], {}, bare);
    expect(none.status).toBe(1);
    expect(none.out).toContain("no Docker Compose: neither `docker compose` (v2 plugin) nor docker-compose (v1) works here");
  });
});
