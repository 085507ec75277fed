import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type ParseArgsConfig, parseArgs } from "node:util";

/** A wrong command line: the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** True when the module at `moduleUrl` is the script node was started with (not imported by a spec). */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/** `parseArgs` whose complaints (unknown option, missing value) become a {@link UsageError}. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** Runs a CLI's `main`, turning a thrown error into one line on stderr and a non-zero exit code. */
export async function runCli(name: string, usage: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${name}: ${message}\n`);
    if (err instanceof UsageError) process.stderr.write(`usage: ${usage}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  }
}
