import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { openSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { REPO_ROOT } from "@lms/platform";

/**
 * A node process started the way `make run` starts a service (`node --import tsx <entry>`).
 * Its output goes straight to a log file, not through a pipe into the bench: the bench is the
 * load generator, and reading every log line would steal its CPU.
 */
export class NodeProcess {
  private child: ChildProcess | undefined;

  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: Record<string, string>,
    readonly logFile: string,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns the process; `readyUrl` (if given) must answer 2xx before this resolves. */
  async start(readyUrl?: string, timeoutMs = 120_000): Promise<void> {
    const out = openSync(this.logFile, "a");
    // BENCH_NODE_ARGS adds node flags to every process the bench starts, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    const extra = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
    this.child = spawn(process.execPath, [...extra, "--import", "tsx", this.entry], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...this.env },
      stdio: ["ignore", out, out],
    });
    if (readyUrl) await this.waitReady(readyUrl, timeoutMs);
  }

  /** Peak resident set size (VmHWM) in MiB, read from /proc (Linux); undefined elsewhere. */
  peakRssMiB(): number | undefined {
    return this.pid === undefined ? undefined : peakRssMiBOf(this.pid);
  }

  /** SIGTERM (or `signal`), then SIGKILL after 15 s; resolves with the exit code. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = once(child, "exit");
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    const [code] = (await exited) as [number | null];
    clearTimeout(timer);
    return code;
  }

  /** The last lines of the log, for error messages. */
  tail(lines = 30): string {
    try {
      return readFileSync(this.logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  }

  private async waitReady(url: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child?.exitCode !== null) throw new Error(`${this.name} exited during start:\n${this.tail()}`);
      if (await answers(url)) return;
      await sleep(100);
    }
    throw new Error(`${this.name} not ready after ${timeoutMs / 1000} s:\n${this.tail()}`);
  }
}

/** True when `url` answers 2xx now. */
export async function answers(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(2000) }).then(
    async (r) => {
      await r.arrayBuffer();
      return r.ok;
    },
    () => false,
  );
}

/** VmHWM of a process in MiB (Linux /proc); undefined when unreadable. */
export function peakRssMiBOf(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
