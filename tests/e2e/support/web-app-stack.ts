// The whole product as a person meets it (DESIGN.md §9): the four real services, the real web
// origin process in front of them serving the real built app, and the admin logged in, so the
// browser specs drive nothing but the origin's URL.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServiceProcess } from "@lms/cli/service-process";
import { appState, buildApp } from "@lms/cli/web-build";
import { REPO_ROOT } from "@lms/platform/repo-paths";
import { type RestResult, rest } from "@lms/platform/testing/rest-client";
import type { Body } from "./fixtures.js";
import { ADMIN, type Stack, startStack } from "./stack.js";
import { startWebOrigin } from "./web-origin.js";

/** Where the app is built to: what `make run` serves. */
export const WEB_DIST = join(REPO_ROOT, "packages", "web", "dist");

/** Held while one suite builds, so two suites running side by side never build into one folder at once. */
const BUILD_LOCK = join(tmpdir(), "lms-web-build.lock");

/** True while the process that took the lock is alive; a lock left by a killed run is not held. */
function lockHeld(): boolean {
  try {
    process.kill(Number(readFileSync(join(BUILD_LOCK, "pid"), "utf8")), 0);
    return true;
  } catch (err) {
    // EPERM: alive but not ours. No pid file yet: just taken (unless that was long ago).
    if ((err as NodeJS.ErrnoException).code === "EPERM") return true;
    try {
      return !existsSync(join(BUILD_LOCK, "pid")) && Date.now() - statSync(BUILD_LOCK).mtimeMs < 10_000;
    } catch {
      return false;
    }
  }
}

function tryLock(): boolean {
  try {
    mkdirSync(BUILD_LOCK);
    writeFileSync(join(BUILD_LOCK, "pid"), String(process.pid));
    return true;
  } catch {
    if (!lockHeld()) rmSync(BUILD_LOCK, { recursive: true, force: true });
    return false;
  }
}

/**
 * Builds packages/web (as `make run` does, with packages/cli's web-build) when its output is
 * missing or older than its sources; at most one build at a time across suites. Throws with
 * the build's output when the build fails.
 */
export async function ensureAppBuilt(): Promise<void> {
  while (!tryLock()) await new Promise((r) => setTimeout(r, 200));
  try {
    const state = appState();
    if (state === "absent") throw new Error("packages/web has no vite.config: there is no web app to test");
    if (state === "fresh") return;
    const output: string[] = [];
    if (!(await buildApp((line) => output.push(line)))) throw new Error(`the web app's build failed:\n${output.join("\n")}`);
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

/** A person's e-mail and password. */
export interface Credentials {
  email: string;
  password: string;
}

/** The running product, seen from outside. */
export interface WebAppStack {
  stack: Stack;
  origin: ServiceProcess;
  /** The origin's URL: the app at `/`, the API under `/api/v1`. */
  baseUrl: string;
  /** The admin's access token (logged in through the origin). */
  admin: string;
  /** `method path` through the origin as `token`; throws naming the call unless it answers `expect` (default 2xx). */
  api(method: string, path: string, token: string | undefined, body?: unknown, expect?: number): Promise<RestResult<Body>>;
  /** Registers a member through the origin; with `role`, the admin then gives them that role. Their user id. */
  createUser(who: Credentials & { name: string }, role?: "ROLE_LIBRARIAN" | "ROLE_ADMIN"): Promise<string>;
  /** Logs `who` in through the origin: an access token. */
  login(who: Credentials): Promise<string>;
  stop(): Promise<void>;
}

/** Builds the app if needed, starts the four services and the origin, and logs the admin in. */
export async function startWebAppStack(): Promise<WebAppStack> {
  await ensureAppBuilt();
  const stack = await startStack(["auth", "author", "category", "book"]);
  let origin: ServiceProcess | undefined;
  try {
    const started = await startWebOrigin(stack, WEB_DIST);
    origin = started.proc;
    const baseUrl = started.baseUrl;
    const api: WebAppStack["api"] = async (method, path, token, body, expect) => {
      const res = await rest<Body>(baseUrl, method, path, { token, body });
      const ok = expect === undefined ? res.status >= 200 && res.status < 300 : res.status === expect;
      if (!ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res;
    };
    const login = async ({ email, password }: Credentials) =>
      String((await api("POST", "/api/v1/auth/login", undefined, { email, password })).body.accessToken);
    const admin = await login(ADMIN);
    const proc = origin;
    return {
      stack,
      origin: proc,
      baseUrl,
      admin,
      api,
      login,
      async createUser(who, role) {
        const registered = await api("POST", "/api/v1/auth/register", undefined, who, 201);
        const id = String((registered.body.user as Body).id);
        if (role) await api("PUT", `/api/v1/auth/users/${id}/role`, admin, { role });
        return id;
      },
      async stop() {
        await proc.stop();
        await stack.stop();
      },
    };
  } catch (err) {
    await origin?.stop();
    await stack.stop();
    throw err;
  }
}
