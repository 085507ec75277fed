import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";

/** How a child ended: exit code, or the signal that ended it. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A service running as its own node process, its output relayed line by line under `[name]`. */
export interface ServiceProcess {
  name: string;
  pid: number | undefined;
  /** Settles once the process has exited and its output is flushed; never rejects. */
  exited: Promise<ExitStatus>;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves once the process is gone, saying which it took. */
  stop(timeoutMs: number): Promise<"stopped" | "killed">;
}

/** "code 1" or "signal SIGKILL". */
export function describeExit(status: ExitStatus): string {
  return status.signal ? `signal ${status.signal}` : `code ${status.code}`;
}

/** Starts `node --import tsx <entry>` in `cwd` with exactly `env`. */
export function spawnService(opts: { name: string; entry: string; cwd: string; env: NodeJS.ProcessEnv; label: string }): ServiceProcess {
  const child = spawn(process.execPath, ["--import", "tsx", opts.entry], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  relayLines(child.stdout, process.stdout, opts.label);
  relayLines(child.stderr, process.stderr, opts.label);
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once("error", (err) => {
      process.stderr.write(`${opts.label} could not start: ${err.message}\n`);
      resolve({ code: 127, signal: null });
    });
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
  return { name: opts.name, pid: child.pid, exited, stop: (timeoutMs) => stopChild(child, exited, timeoutMs) };
}

function relayLines(from: Readable | null, to: Writable, label: string): void {
  if (!from) return;
  createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
    to.write(`${label} ${line}\n`);
  });
}

async function stopChild(child: ChildProcess, exited: Promise<ExitStatus>, timeoutMs: number): Promise<"stopped" | "killed"> {
  if (child.exitCode !== null || child.signalCode !== null) {
    await exited;
    return "stopped";
  }
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const first = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (first !== "timeout") return "stopped";
  child.kill("SIGKILL");
  await exited;
  return "killed";
}
