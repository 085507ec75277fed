import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "@lms/platform";
import { parse } from "yaml";

export const COMPOSE_FILE = join(REPO_ROOT, "deploy", "docker-compose.yml");

/** The slice of a compose service these specs read. */
export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string; args?: Record<string, string> };
  environment?: Record<string, string | number | null>;
  env_file?: string | string[];
  ports?: (string | { target: number; published?: number | string })[];
  expose?: (string | number)[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  restart?: string;
  volumes?: string[];
  networks?: Record<string, { ipv4_address?: string } | null>;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, { ipam?: { config?: { subnet?: string; ip_range?: string }[] } }>;
}

/** The compose file as written (anchors merged, `${VAR}` left as text). */
export function readComposeFile(): ComposeFile {
  return parse(readFileSync(COMPOSE_FILE, "utf8"), { merge: true }) as ComposeFile;
}

/** Debian's `docker-compose` (v1, a static validator here: no engine is needed for `config`). */
export const COMPOSE_BIN = "docker-compose";

export function composeAvailable(): boolean {
  return spawnSync(COMPOSE_BIN, ["version"], { encoding: "utf8" }).status === 0;
}

/**
 * `docker-compose --env-file <vars> -f deploy/docker-compose.yml config [extra]` with only `vars`
 * in its environment (no stray variables from the test run).
 */
export function composeConfig(
  vars: Record<string, string>,
  extra: string[] = [],
): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), "lms-compose-"));
  try {
    const envFile = join(dir, "test.env");
    writeFileSync(
      envFile,
      Object.entries(vars)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(""),
    );
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir };
    const result = spawnSync(COMPOSE_BIN, ["--env-file", envFile, "-f", COMPOSE_FILE, "config", ...extra], { env, encoding: "utf8" });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
