import { type ServiceProcess as Child, spawnService } from "@lms/cli/service-process";
import { entryOf, getService } from "@lms/cli/services";

/** One real service process on its own ports, started exactly as `make run` starts it, its output kept. */
export class ServiceProcess {
  private child: Child | undefined;

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

  /** Resolves once the process has exited and all its output is read, with its exit code. */
  async exited(): Promise<number | null> {
    return this.child ? (await this.child.exited).code : null;
  }

  /** Last lines the process printed (for failure messages and log assertions). */
  logs(): string {
    return this.child?.output() ?? "";
  }

  /** A mark for {@link logsSince}: what the process has printed up to now. */
  logMark(): number {
    return this.child?.outputMark() ?? 0;
  }

  /** What the process printed after `mark` (as far as the last lines still kept reach). */
  logsSince(mark: number): string {
    return this.child?.outputSince(mark) ?? "";
  }

  /** Starts the process and resolves once its /readyz answers 200 (throws with its output if it exits first). */
  async start(): Promise<void> {
    const env = { ...process.env, ...this.env, HTTP_PORT: String(this.httpPort), GRPC_PORT: String(this.grpcPort) };
    this.child = spawnService({ name: this.name, entry: entryOf(getService(this.name).name), env, output: { keep: 400 } });
    await this.child.waitReady(`${this.baseUrl}/readyz`, 90_000);
  }

  /** Sends `signal` to the service itself, e.g. SIGSTOP / SIGCONT to freeze and thaw it, SIGKILL to crash it. */
  signal(signal: NodeJS.Signals): void {
    if (!this.child) throw new Error(`${this.name} is not running`);
    this.child.signal(signal);
  }

  /** SIGTERM (after SIGCONT, should it be frozen), SIGKILL after 15 s; resolves with the exit code once it is gone. */
  async stop(): Promise<number | null> {
    return this.child ? (await this.child.stop()).code : null;
  }
}
