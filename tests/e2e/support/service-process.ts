import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { REPO_ROOT } from "@lms/platform";

/** One real service process, started exactly as `make run` starts it. */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private output: string[] = [];
  /** Chunks printed so far, kept or dropped (for {@link logsSince}). */
  private printed = 0;
  private closed: Promise<[number | null, string | null]> | undefined;

  constructor(
    readonly name: string,
    readonly httpPort: number,
    readonly grpcPort: number,
    private readonly env: Record<string, string>,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  get grpcAddress(): string {
    return `127.0.0.1:${this.grpcPort}`;
  }

  /** The exit code once the process has exited (null while it runs or when a signal ended it). */
  get exitCode(): number | null {
    return this.child?.exitCode ?? null;
  }

  /** Resolves once the process has exited and all its output is read, with its exit code. */
  async exited(): Promise<number | null> {
    const [code] = (await this.closed) ?? [null];
    return code;
  }

  /** Last lines the process printed (for failure messages and log assertions). */
  logs(): string {
    return this.output.join("");
  }

  /** A mark for {@link logsSince}: what the process has printed up to now. */
  logMark(): number {
    return this.printed;
  }

  /** What the process printed after `mark` (as far as the last lines still kept reach). */
  logsSince(mark: number): string {
    return this.output.slice(Math.max(0, this.output.length - (this.printed - mark))).join("");
  }

  async start(): Promise<void> {
    const env = { ...process.env, ...this.env, HTTP_PORT: String(this.httpPort), GRPC_PORT: String(this.grpcPort) };
    this.output = [];
    const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "packages", this.name, "src", "main.ts")], {
      cwd: REPO_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    this.closed = once(child, "close") as Promise<[number | null, string | null]>;
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      this.printed++;
      if (this.output.length > 400) this.output.shift();
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    await this.waitReady();
  }

  /**
   * Sends `signal` to the service itself (node runs main.ts in this very process: tsx is a
   * loader here, not a wrapper), e.g. SIGSTOP / SIGCONT to freeze and thaw it, SIGKILL to crash it.
   */
  signal(signal: NodeJS.Signals): void {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`${this.name} is not running`);
    this.child.kill(signal);
  }

  /** Sends SIGTERM (after SIGCONT, should it be frozen) and resolves with the exit code once the process is gone. */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = once(child, "exit");
    child.kill("SIGCONT");
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    const [code] = (await exited) as [number | null];
    clearTimeout(timer);
    return code;
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (this.child?.exitCode !== null) throw new Error(`${this.name} exited during start:\n${this.logs()}`);
      const ok = await fetch(`${this.baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`${this.name} not ready after 90 s:\n${this.logs()}`);
  }
}
