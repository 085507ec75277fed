import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";

/** A command started as a plain process, its output kept for failure messages. */
export class PlainProcess {
  private readonly output: string[] = [];
  private readonly child: ChildProcess;

  constructor(argv: string[], options: { cwd: string; env: Record<string, string>; user?: { uid: number; gid: number } }) {
    const [command, ...args] = argv;
    this.child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], ...options.user });
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.shift();
    };
    this.child.stdout?.on("data", keep);
    this.child.stderr?.on("data", keep);
  }

  logs(): string {
    return this.output.join("");
  }

  /** Resolves once GET `url` answers 200; throws if the process exits first or time runs out. */
  async waitFor200(url: string, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`process exited (${this.child.exitCode ?? this.child.signalCode}) before ${url} answered:\n${this.logs()}`);
      }
      const ok = await fetch(url).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${url} did not answer 200 within ${timeoutMs} ms:\n${this.logs()}`);
  }

  /** SIGTERM, then the exit code (SIGKILL after `graceMs`, giving null). */
  async stop(graceMs = 20_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const exited = once(this.child, "exit");
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    const [code] = (await exited) as [number | null];
    clearTimeout(timer);
    return code;
  }
}
