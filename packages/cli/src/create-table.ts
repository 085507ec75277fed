// `create-table --svc <name> --seq <name>`: the next numbered, empty up/down migration pair of
// a service (DESIGN.md §1 `make create-table`). Files only; nothing touches a database.
import { existsSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { migrationsDirOf, REPO_ROOT } from "@lms/platform";
import { isEntryPoint, parseCommandLine, runCli, UsageError } from "./entry-point.js";
import { isServiceName, SERVICE_NAMES } from "./services.js";

const USAGE = "create-table --svc <auth|author|category|book> --seq <name matching [a-z0-9_]+>";
const SEQ = /^[a-z0-9_]+$/;
const NUMBERED = /^(\d{4})_.*\.(up|down)\.sql$/;
const MAX_VERSION = 9999;

/** The pair written by {@link createMigrationPair}. */
export interface MigrationPair {
  version: number;
  up: string;
  down: string;
}

/** One more than the highest `NNNN_` of the migration files named (1 for none). */
export function nextVersion(files: readonly string[]): number {
  const versions = files.flatMap((f) => {
    const m = NUMBERED.exec(f);
    return m ? [Number(m[1])] : [];
  });
  return Math.max(0, ...versions) + 1;
}

/** Throws when `seq` cannot be part of a migration file name the runner accepts. */
export function assertValidSeq(seq: string): void {
  if (!SEQ.test(seq)) {
    throw new UsageError(`invalid --seq "${seq}": use lower-case letters, digits and underscores only (e.g. create_loans)`);
  }
}

/**
 * Writes `NNNN_<seq>.up.sql` and `NNNN_<seq>.down.sql` in `dir` (created if missing), numbered
 * after the highest existing migration. Never overwrites a file.
 */
export async function createMigrationPair(dir: string, seq: string, now = new Date()): Promise<MigrationPair> {
  assertValidSeq(seq);
  await mkdir(dir, { recursive: true });
  const version = nextVersion(await readdir(dir));
  if (version > MAX_VERSION) throw new Error(`${dir} already holds migration ${MAX_VERSION}; numbers have 4 digits`);
  const base = `${String(version).padStart(4, "0")}_${seq}`;
  const pair = { version, up: join(dir, `${base}.up.sql`), down: join(dir, `${base}.down.sql`) };
  const day = now.toISOString().slice(0, 10);
  await writeFile(pair.up, upHeader(base, day), { flag: "wx" });
  await writeFile(pair.down, downHeader(base), { flag: "wx" });
  return pair;
}

function upHeader(base: string, day: string): string {
  return [
    `-- ${base} (up), created ${day}.`,
    "-- Runs in one transaction with its schema_migrations row. Frozen once merged: change the",
    "-- schema later with a new pair (make create-table), never by editing this file.",
    "",
    "",
  ].join("\n");
}

function downHeader(base: string): string {
  return [`-- ${base} (down): undoes exactly what ${base}.up.sql does, in reverse order.`, "", ""].join("\n");
}

async function main(): Promise<void> {
  const { values } = parseCommandLine({
    args: process.argv.slice(2),
    options: { svc: { type: "string" }, seq: { type: "string" } },
  });
  if (!values.svc || !values.seq) throw new UsageError("both --svc and --seq are required");
  if (!isServiceName(values.svc)) {
    throw new UsageError(`unknown service "${values.svc}" (known: ${SERVICE_NAMES.join(", ")})`);
  }
  assertValidSeq(values.seq);
  if (!existsSync(join(REPO_ROOT, "packages", values.svc))) {
    throw new Error(`packages/${values.svc} does not exist yet: create the service before its migrations`);
  }
  const pair = await createMigrationPair(migrationsDirOf(values.svc), values.seq);
  process.stdout.write(`created ${relative(process.cwd(), pair.up)}\ncreated ${relative(process.cwd(), pair.down)}\n`);
}

if (isEntryPoint(import.meta.url)) await runCli("create-table", USAGE, main);
