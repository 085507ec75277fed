// One way to run a service (or the launcher, or the bench's baseline server) as its own node
// process, shared by `make run` (run-all.ts), the end-to-end specs and the bench: started as
// `make run` starts it, awaited on an URL, stopped with SIGTERM then SIGKILL.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { REPO_ROOT } from "@lms/platform/repo-paths";

/** How a child ended: exit code, or the signal that ended it. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** "code 1" or "signal SIGKILL". */
export function describeExit(status: ExitStatus): string {
  return status.signal ? `signal ${status.signal}` : `code ${status.code}`;
}

/**
 * Where a child's stdout and stderr go:
 * - `relay`: each line to this process's stdout / stderr under the label (the launcher);
 * - `file`: appended to the file, never piped through this process (the bench, which is also
 *   the load generator: reading every log line would take its CPU);
 * - `keep`: the last `chunks` pieces of output kept in memory, for assertions and failure messages.
 */
export type ProcessOutput = { relay: string } | { file: string } | { keep: number };

export interface SpawnOptions {
  name: string;
  /** The script, run as `node [nodeArgs] --import tsx <entry>`, as `make run` runs a service. */
  entry: string;
  /** The child's environment, exactly (pass `{ ...process.env, … }` to inherit). */
  env: NodeJS.ProcessEnv;
  output: ProcessOutput;
  /** Defaults to the repository root (where `tsx` resolves). */
  cwd?: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: readonly string[];
}

const POLL_MS = 150;
const REQUEST_TIMEOUT_MS = 2000;

/** A running child process; see {@link spawnService}. */
export class ServiceProcess {
  readonly name: string;
  /** Settles once the process has exited and its output is flushed; never rejects. */
  readonly exited: Promise<ExitStatus>;
  private readonly child: ChildProcess;
  private status: ExitStatus | undefined;
  private readonly kept: string[] = [];
  /** Chunks kept so far, dropped or not (for {@link outputSince}). */
  private printed = 0;

  constructor(private readonly opts: SpawnOptions) {
    this.name = opts.name;
    const out = opts.output;
    const fd = "file" in out ? openSync(out.file, "a") : undefined;
    this.child = spawn(process.execPath, [...(opts.nodeArgs ?? []), "--import", "tsx", opts.entry], {
      cwd: opts.cwd ?? REPO_ROOT,
      env: opts.env,
      stdio: fd === undefined ? ["ignore", "pipe", "pipe"] : ["ignore", fd, fd],
    });
    if (fd !== undefined) closeSync(fd); // the child has its own copy
    if ("relay" in out) {
      relayLines(this.child.stdout, process.stdout, out.relay);
      relayLines(this.child.stderr, process.stderr, out.relay);
    } else if ("keep" in out) {
      const keep = (chunk: Buffer) => {
        this.kept.push(chunk.toString());
        this.printed++;
        if (this.kept.length > out.keep) this.kept.shift();
      };
      this.child.stdout?.on("data", keep);
      this.child.stderr?.on("data", keep);
    }
    this.exited = new Promise<ExitStatus>((resolve) => {
      this.child.once("error", (err) => {
        this.kept.push(`${opts.name} could not start: ${err.message}\n`);
        if ("relay" in out) process.stderr.write(`${out.relay} could not start: ${err.message}\n`);
        resolve({ code: 127, signal: null });
      });
      this.child.once("close", (code, signal) => resolve({ code, signal }));
    }).then((status) => {
      this.status = status;
      return status;
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True until the process has exited (or failed to start). */
  get running(): boolean {
    return this.status === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` to the process itself (tsx is a loader here, not a wrapper), e.g. SIGSTOP to freeze it. */
  signal(signal: NodeJS.Signals): void {
    if (!this.running) throw new Error(`${this.name} is not running`);
    this.child.kill(signal);
  }

  /**
   * Sends SIGCONT (should it be frozen) and `signal` (SIGTERM), then SIGKILL if it is still
   * there after `graceMs`; resolves once it is gone, with how it ended and whether it was killed.
   */
  async stop(opts: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<ExitStatus & { killed: boolean }> {
    if (!this.running) return { ...(await this.exited), killed: false };
    this.child.kill("SIGCONT");
    this.child.kill(opts.signal ?? "SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), opts.graceMs ?? 15_000);
    });
    const first = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (first !== "timeout") return { ...first, killed: false };
    this.child.kill("SIGKILL");
    return { ...(await this.exited), killed: true };
  }

  /**
   * Polls `url` until it answers 200. Rejects after `timeoutMs`, or as soon as the process has
   * exited (waiting longer is pointless); the message then ends with the output kept.
   */
  async waitReady(url: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(this.withOutput(`${this.name} exited during start (${describeExit(await this.exited)})`));
      if (await answers200(url)) return;
      if (Date.now() > deadline)
        throw new Error(this.withOutput(`${this.name} not ready: ${url} did not answer 200 within ${Math.round(timeoutMs / 1000)} s`));
      await sleep(POLL_MS);
    }
  }

  /** The output kept (`keep`), or the last `lines` of the log file (`file`); empty when relayed. */
  output(lines = 30): string {
    const out = this.opts.output;
    if (!("file" in out)) return this.kept.join("");
    try {
      return readFileSync(out.file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  }

  /** A mark for {@link outputSince}: how much the process has printed up to now (`keep` only). */
  outputMark(): number {
    return this.printed;
  }

  /** What the process printed after `mark`, as far as the chunks still kept reach (`keep` only). */
  outputSince(mark: number): string {
    return this.kept.slice(Math.max(0, this.kept.length - (this.printed - mark))).join("");
  }

  private withOutput(message: string): string {
    const output = this.output();
    return output ? `${message}:\n${output}` : message;
  }
}

/** Starts `node --import tsx <entry>`; see {@link SpawnOptions}. */
export function spawnService(opts: SpawnOptions): ServiceProcess {
  return new ServiceProcess(opts);
}

/** True when `url` answers 200 now (within 2 s). */
export async function answers200(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

function relayLines(from: Readable | null, to: Writable, label: string): void {
  if (!from) return;
  createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
    to.write(`${label} ${line}\n`);
  });
}
