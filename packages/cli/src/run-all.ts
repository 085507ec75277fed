// The launcher behind `make run` (DESIGN.md §1): one process per present service, each given its
// own DATABASE_URL and ports from the <SERVICE>_* variables, started, awaited on /readyz, listed,
// and stopped together; services with no <SERVICE>_DATABASE_URL get a database on one embedded
// PostgreSQL server that the launcher starts first and stops last. Beside them, the web origin
// (DESIGN.md §9) serves the app, built first when it is missing or out of date, and forwards
// /api/v1/... to the services.
import { REPO_ROOT } from "@lms/platform/repo-paths";
import { isEntryPoint, runCli } from "./entry-point.js";
import { embeddedDataDirOf, embeddedServiceEnv, type LocalPostgres, servicesOnEmbedded, startLocalPostgres } from "./local-postgres.js";
import { describeExit, type ServiceProcess, spawnService } from "./service-process.js";
import { entryOf, envPrefixOf, getService, presentServices, SERVICE_NAMES, SERVICES, type ServiceSpec } from "./services.js";
import { type AppState, appState, buildApp } from "./web-build.js";
import { trustedProxiesBehindOrigin, WEB_ENTRY, webOriginEnv, webOriginPresent, webPortOf } from "./web-origin.js";

type Env = Record<string, string | undefined>;

// Generous: a first start applies every migration (more on a busy machine).
const READY_TIMEOUT_MS = 180_000;
const LAUNCHER = "[run]";

/** The ports a service gets: `<SERVICE>_HTTP_PORT` / `<SERVICE>_GRPC_PORT`, else its defaults. */
export function portsOf(spec: ServiceSpec, env: Env): { http: number; grpc: number } {
  const prefix = envPrefixOf(spec.name);
  return { http: portFrom(env, `${prefix}_HTTP_PORT`, spec.httpPort), grpc: portFrom(env, `${prefix}_GRPC_PORT`, spec.grpcPort) };
}

function portFrom(env: Env, key: string, fallback: number): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${key}: must be a port number 1..65535, got "${raw}"`);
  return port;
}

/**
 * The environment of one service's process: everything in `env`, plus its own DATABASE_URL
 * (from `<SERVICE>_DATABASE_URL`; removed when that is unset, so a database meant for someone
 * else is never used: the launcher then sets the embedded server's URL), its ports, the peers'
 * gRPC addresses and the auth JWKS URL, each unless set explicitly. With `originHost` (the web
 * origin runs in front, reaching the services on that address), TRUSTED_PROXIES gains the
 * origin's addresses ({@link trustedProxiesBehindOrigin}).
 */
export function childEnv(spec: ServiceSpec, env: Env, originHost?: string): Env {
  const out: Env = { ...env };
  const ownUrl = env[`${envPrefixOf(spec.name)}_DATABASE_URL`]?.trim();
  if (ownUrl) out.DATABASE_URL = ownUrl;
  else delete out.DATABASE_URL;
  const ports = portsOf(spec, env);
  out.HTTP_PORT = String(ports.http);
  out.GRPC_PORT = String(ports.grpc);
  for (const peer of SERVICES) {
    const key = `${envPrefixOf(peer.name)}_GRPC_ADDR`;
    out[key] = env[key]?.trim() || `127.0.0.1:${portsOf(peer, env).grpc}`;
  }
  const authHttp = portsOf(getService("auth"), env).http;
  out.AUTH_JWKS_URL = env.AUTH_JWKS_URL?.trim() || `http://127.0.0.1:${authHttp}/.well-known/jwks.json`;
  if (originHost !== undefined) out.TRUSTED_PROXIES = trustedProxiesBehindOrigin(env, originHost);
  return out;
}

/** The address to reach a service on from this machine (its HOST unless that is a wildcard). */
function localHost(env: Env): string {
  const host = env.HOST?.trim();
  return !host || host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
}

function databaseLine(spec: ServiceSpec, env: Env): string {
  const key = `${envPrefixOf(spec.name)}_DATABASE_URL`;
  const where = env[key]?.trim()
    ? `PostgreSQL server from ${key}`
    : `embedded PostgreSQL under ${embeddedDataDirOf(env)}, database ${spec.database}`;
  return `${LAUNCHER} ${spec.name}: ${where}`;
}

/** What the banner says about the web origin: where it is, and whether it has an app to serve. */
export interface WebLine {
  app: AppState | "build failed";
}

const APP_NOTES: Record<WebLine["app"], string> = {
  fresh: "",
  stale: "",
  absent: " (no app in packages/web yet: / says so; /api/v1/ works)",
  "build failed": " (the app's build FAILED, see above: serving the previous build, if any)",
};

/** The block printed once every service answers /readyz (and the web origin, when there is one). */
export function banner(services: ServiceSpec[], env: Env, web?: WebLine): string {
  const host = localHost(env);
  const absent = SERVICE_NAMES.filter((n) => !services.some((s) => s.name === n));
  const lines = [`Library Management System: ${services.length} of ${SERVICE_NAMES.length} services ready`, ""];
  if (web) lines.push(`  ${"web".padEnd(9)}App         http://${host}:${webPortOf(env)}/${APP_NOTES[web.app]}`, "");
  for (const spec of services) {
    const { http, grpc } = portsOf(spec, env);
    const base = `http://${host}:${http}`;
    lines.push(`  ${spec.name.padEnd(9)}REST        ${base}${spec.restPath}`);
    lines.push(`  ${"".padEnd(9)}Swagger UI  ${base}/`);
    lines.push(`  ${"".padEnd(9)}OpenAPI 3.1 ${base}/api/openapi/${spec.name}.json`);
    lines.push(`  ${"".padEnd(9)}gRPC        ${host}:${grpc}`);
  }
  if (absent.length) lines.push("", `  not present yet: ${absent.join(", ")} (no packages/<svc>/src/main.ts)`);
  lines.push("", "  Ctrl-C stops them all.");
  const rule = "─".repeat(72);
  return `${rule}\n${lines.join("\n")}\n${rule}\n`;
}

/** Starts, watches and stops the service processes as one unit. */
class Launcher {
  private readonly running: ServiceProcess[] = [];
  private database: LocalPostgres | undefined;
  private stopping = false;
  private readonly labelWidth: number;

  constructor(
    private readonly services: ServiceSpec[],
    private readonly env: Env,
    /** Whether to start the web origin beside the services. */
    private readonly withWeb: boolean,
  ) {
    this.labelWidth = Math.max(3, ...services.map((s) => s.name.length)) + 2;
  }

  async start(): Promise<void> {
    for (const spec of this.services) process.stdout.write(`${databaseLine(spec, this.env)}\n`);
    const onEmbedded = servicesOnEmbedded(this.services, this.env);
    if (onEmbedded.length)
      this.database = await startLocalPostgres(onEmbedded, this.env, (line) => process.stdout.write(`${LAUNCHER} ${line}\n`));
    // The app builds while the services start (mostly waiting on migrations).
    const app = this.withWeb ? this.prepareApp() : undefined;
    // auth first: the others verify tokens with its keys (fetched lazily, so this is only tidier).
    const [first, ...rest] = this.services;
    if (first) await this.startAndAwait([first]);
    await this.startAndAwait(rest);
    const web = app ? { app: await app } : undefined;
    if (web && !this.stopping) await this.startWeb();
    if (!this.stopping) process.stdout.write(banner(this.services, this.env, web));
  }

  /** Builds the app when it is missing or older than its sources; says which. */
  private async prepareApp(): Promise<WebLine["app"]> {
    const say = (line: string) => process.stdout.write(`${LAUNCHER} web: ${line}\n`);
    const state = appState();
    if (state !== "stale") {
      say(
        state === "fresh" ? "the app's build is up to date" : "no app in packages/web yet (no vite.config): the origin serves the API only",
      );
      return state;
    }
    say("building the app (vite build) ...");
    const ok = await buildApp((line) => process.stdout.write(`${"[web build]".padEnd(this.labelWidth)} ${line}\n`));
    say(ok ? "app built" : "the app's build FAILED (output above)");
    return ok ? "fresh" : "build failed";
  }

  private async startWeb(): Promise<void> {
    const host = localHost(this.env);
    const env = webOriginEnv(this.env, host, (spec) => portsOf(spec, this.env).http);
    const proc = spawnService({ name: "web", entry: WEB_ENTRY, cwd: REPO_ROOT, env, output: { relay: "[web]".padEnd(this.labelWidth) } });
    this.running.push(proc);
    void proc.exited.then((status) => this.fail(`web exited unexpectedly (${describeExit(status)})`));
    await proc.waitReady(`http://${host}:${webPortOf(this.env)}/readyz`, READY_TIMEOUT_MS).catch((err: Error) => this.fail(err.message));
  }

  private async startAndAwait(specs: ServiceSpec[]): Promise<void> {
    const started = specs.map((spec) => ({ spec, proc: this.spawn(spec) }));
    await Promise.all(started.map(({ spec, proc }) => this.awaitReady(spec, proc)));
  }

  private spawn(spec: ServiceSpec): ServiceProcess {
    const label = `[${spec.name}]`.padEnd(this.labelWidth);
    const embeddedUrl = this.database?.urls.get(spec.name);
    const originHost = this.withWeb ? localHost(this.env) : undefined;
    const env = { ...childEnv(spec, this.env, originHost), ...(embeddedUrl ? embeddedServiceEnv(embeddedUrl, this.env) : {}) };
    const proc = spawnService({ name: spec.name, entry: entryOf(spec.name), cwd: REPO_ROOT, env, output: { relay: label } });
    this.running.push(proc);
    void proc.exited.then((status) => this.fail(`${spec.name} exited unexpectedly (${describeExit(status)})`));
    return proc;
  }

  private async awaitReady(spec: ServiceSpec, proc: ServiceProcess): Promise<void> {
    const url = `http://${localHost(this.env)}:${portsOf(spec, this.env).http}/readyz`;
    await proc.waitReady(url, READY_TIMEOUT_MS).catch((err: Error) => this.fail(err.message));
  }

  /** Stops the services, then the embedded server, and exits 0 (Ctrl-C, SIGTERM). Repeated signals change nothing. */
  async shutdown(signal: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    process.stdout.write(`${LAUNCHER} ${signal}: stopping ${this.running.map((p) => p.name).join(", ")}\n`);
    await this.stopAll();
    process.stdout.write(`${LAUNCHER} all stopped\n`);
    process.exit(0);
  }

  /** A child died or never became ready: stop the others and exit 1. */
  private async fail(message: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    process.stderr.write(`${LAUNCHER} ${message}; stopping the others\n`);
    await this.stopAll();
    process.exit(1);
  }

  private async stopAll(): Promise<void> {
    const timeoutMs = (Number(this.env.SHUTDOWN_TIMEOUT_MS) || 10_000) + 5_000;
    const results = await Promise.all(this.running.map(async (p) => ({ name: p.name, outcome: await p.stop({ graceMs: timeoutMs }) })));
    for (const { name } of results.filter((r) => r.outcome.killed)) {
      process.stderr.write(`${LAUNCHER} ${name} did not stop within ${timeoutMs / 1000} s and was killed\n`);
    }
    if (!this.database) return;
    process.stdout.write(`${LAUNCHER} stopping the embedded PostgreSQL\n`);
    await this.database.stop();
  }
}

async function main(): Promise<void> {
  const services = presentServices();
  if (services.length === 0) throw new Error("no service to run: no packages/<svc>/src/main.ts exists");
  for (const spec of services) childEnv(spec, process.env); // reports a bad <SERVICE>_*_PORT before anything starts
  const withWeb = webOriginPresent();
  if (withWeb) webPortOf(process.env); // and a bad WEB_HTTP_PORT
  const launcher = new Launcher(services, process.env, withWeb);
  process.on("SIGINT", () => void launcher.shutdown("SIGINT"));
  process.on("SIGTERM", () => void launcher.shutdown("SIGTERM"));
  await launcher.start();
}

if (isEntryPoint(import.meta.url)) await runCli("run", "run-all (no arguments; configure with environment variables)", main);
