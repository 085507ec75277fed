import { readFileSync } from "node:fs";
import { type ServiceProcess, spawnService } from "@lms/cli/service-process";

export interface LoggedProcess {
  name: string;
  entry: string;
  env: Record<string, string>;
  logFile: string;
}

/** How long a process the bench starts may take to answer its readiness URL. */
export const READY_TIMEOUT_MS = 120_000;

/**
 * Spawns `entry` the way `make run` starts a service (the shared `spawnService`), on top of
 * this process's environment, its output appended to `logFile` rather than piped into the
 * bench, which is also the load generator. BENCH_NODE_ARGS adds node flags to every process
 * the bench starts, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
 */
export function spawnLogged(opts: LoggedProcess): ServiceProcess {
  return spawnService({
    name: opts.name,
    entry: opts.entry,
    env: { ...process.env, ...opts.env },
    nodeArgs: (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean),
    output: { file: opts.logFile },
  });
}

/** {@link spawnLogged}, then awaits `readyUrl`; a process that does not get ready is stopped. */
export async function startLogged(opts: LoggedProcess & { readyUrl: string }): Promise<ServiceProcess> {
  const proc = spawnLogged(opts);
  try {
    await proc.waitReady(opts.readyUrl, READY_TIMEOUT_MS);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return proc;
}

/** VmHWM of a process in MiB (Linux /proc); undefined when unreadable. */
export function peakRssMiBOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
