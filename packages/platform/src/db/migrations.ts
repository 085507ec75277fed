import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type pg from "pg";

/** One numbered migration pair `NNNN_<name>.up.sql` / `NNNN_<name>.down.sql`. */
export interface Migration {
  version: number;
  name: string;
  up: string;
  down: string;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.(up|down)\.sql$/;
// Any constant works; it only has to be the same for every process migrating one database.
const LOCK_KEY = 7_340_211;

/** Reads and pairs the migration files of `dir`, in version order; a lone half or a reused version is an error. */
export async function loadMigrations(dir: string): Promise<Migration[]> {
  const byVersion = new Map<number, Partial<Migration>>();
  for (const file of (await readdir(dir)).sort()) {
    const m = FILE.exec(file);
    if (!m) continue;
    const version = Number(m[1]);
    const entry = byVersion.get(version) ?? { version, name: m[2] };
    if (entry.name !== m[2]) throw new Error(`migrations ${m[1]}_${entry.name} and ${m[1]}_${m[2]} share version ${m[1]}`);
    entry[m[3] as "up" | "down"] = await readFile(join(dir, file), "utf8");
    byVersion.set(version, entry);
  }
  return [...byVersion.values()]
    .sort((a, b) => (a.version ?? 0) - (b.version ?? 0))
    .map((m) => {
      if (m.up === undefined || m.down === undefined) {
        throw new Error(`migration ${m.version}_${m.name} needs both an .up.sql and a .down.sql file`);
      }
      return m as Migration;
    });
}

/**
 * Applies every migration of `dir` not yet applied, each in its own transaction, under an
 * advisory lock so replicas starting together migrate once. Returns the versions applied.
 */
export async function migrateUp(pool: pg.Pool, dir: string): Promise<number[]> {
  const migrations = await loadMigrations(dir);
  return withMigrationLock(pool, async (client) => {
    const applied = await appliedVersions(client);
    const done: number[] = [];
    for (const m of migrations.filter((x) => !applied.has(x.version))) {
      await inOwnTransaction(client, async () => {
        await client.query(m.up);
        await client.query("insert into schema_migrations (version, name) values ($1, $2)", [m.version, m.name]);
      });
      done.push(m.version);
    }
    return done;
  });
}

/** Reverts the newest `steps` applied migrations (default 1). Returns the versions reverted. */
export async function migrateDown(pool: pg.Pool, dir: string, steps = 1): Promise<number[]> {
  const migrations = await loadMigrations(dir);
  return withMigrationLock(pool, async (client) => {
    const applied = [...(await appliedVersions(client))].sort((a, b) => b - a).slice(0, steps);
    for (const version of applied) {
      const m = migrations.find((x) => x.version === version);
      if (!m) throw new Error(`applied migration ${version} has no file in ${dir}`);
      await inOwnTransaction(client, async () => {
        await client.query(m.down);
        await client.query("delete from schema_migrations where version = $1", [version]);
      });
    }
    return applied;
  });
}

async function withMigrationLock<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [LOCK_KEY]);
    await client.query(
      "create table if not exists schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null default now())",
    );
    return await work(client);
  } finally {
    await client.query("select pg_advisory_unlock($1)", [LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}

async function appliedVersions(client: pg.PoolClient): Promise<Set<number>> {
  const { rows } = await client.query<{ version: number }>("select version from schema_migrations");
  return new Set(rows.map((r) => r.version));
}

async function inOwnTransaction(client: pg.PoolClient, work: () => Promise<void>): Promise<void> {
  await client.query("BEGIN");
  try {
    await work();
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK");
    throw err;
  }
}
