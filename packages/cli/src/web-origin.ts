// The web origin as `make run` starts it (DESIGN.md §9): its entry, its port and the services'
// REST URLs it forwards to, derived from the same <SERVICE>_HTTP_PORT variables the services get.
import { existsSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import { REPO_ROOT } from "@lms/platform/repo-paths";
import { envPrefixOf, SERVICES, type ServiceSpec } from "./services.js";

type Env = Record<string, string | undefined>;

/** The origin's process entry, relative to the repository root. */
export const WEB_ENTRY = join("packages", "web", "server", "main.ts");

/** Default of `WEB_HTTP_PORT`. */
export const WEB_DEFAULT_PORT = 8080;

/** True when the origin's code exists (a checkout from before issue 18 has none). */
export function webOriginPresent(root = REPO_ROOT): boolean {
  return existsSync(join(root, WEB_ENTRY));
}

/** `WEB_HTTP_PORT`, else 8080; throws naming the variable for anything but a port number. */
export function webPortOf(env: Env): number {
  const raw = env.WEB_HTTP_PORT?.trim();
  if (!raw) return WEB_DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`WEB_HTTP_PORT: must be a port number 1..65535, got "${raw}"`);
  return port;
}

/**
 * The origin's environment: everything in `env`, its port, and each service's REST URL
 * (`<SERVICE>_HTTP_URL`, unless set explicitly) on the address the launcher reaches it on.
 * `httpPortOf` gives a service's port as the launcher assigns it.
 */
export function webOriginEnv(env: Env, host: string, httpPortOf: (spec: ServiceSpec) => number): Env {
  const out: Env = { ...env, WEB_HTTP_PORT: String(webPortOf(env)) };
  for (const spec of SERVICES) {
    const key = `${envPrefixOf(spec.name)}_HTTP_URL`;
    out[key] = env[key]?.trim() || `http://${host}:${httpPortOf(spec)}`;
  }
  return out;
}

/** Loopback in both families: where the origin's connections come from when it reaches the services on this machine. */
const LOOPBACK = ["127.0.0.1", "::1"];

/**
 * The services' `TRUSTED_PROXIES` when the origin runs in front of them on this machine: what is
 * set already, plus loopback and `host` (the address the origin reaches them on, when it is an IP),
 * so the X-Forwarded-For the origin appends names each browser and per-IP login limits count
 * browsers, not the origin. It also lets any local process claim any address: right for a
 * laptop or one host, where local processes are trusted anyway (docs/operations.md).
 */
export function trustedProxiesBehindOrigin(env: Env, host: string): string {
  const set = (env.TRUSTED_PROXIES ?? "")
    .split(",")
    .map((a) => a.trim())
    .filter(Boolean);
  const origin = isIP(host) !== 0 ? [...LOOPBACK, host] : LOOPBACK;
  return [...new Set([...set, ...origin])].join(",");
}
