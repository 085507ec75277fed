import type { Executor } from "@lms/platform";

/**
 * Serialises attempts on one key until the transaction ends (an advisory lock on the key's
 * hash; unrelated keys rarely share one, and then only wait for each other).
 */
export async function lockLoginKey(db: Executor, key: string): Promise<void> {
  await db.query("select pg_advisory_xact_lock(hashtextextended($1, 0))", [`login:${key}`]);
}

/** Forgets failures of `key` older than the window. */
export async function pruneLoginFailures(db: Executor, key: string, windowSeconds: number): Promise<void> {
  await db.query("delete from login_failures where key = $1 and failed_at <= now() - make_interval(secs => $2)", [key, windowSeconds]);
}

/** Failures of `key` within the last `windowSeconds`. */
export async function countLoginFailures(db: Executor, key: string, windowSeconds: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    "select count(*)::int as n from login_failures where key = $1 and failed_at > now() - make_interval(secs => $2)",
    [key, windowSeconds],
  );
  return rows[0].n;
}

/** Records one failure of `key` now. */
export async function insertLoginFailure(db: Executor, key: string): Promise<void> {
  await db.query("insert into login_failures (key) values ($1)", [key]);
}

/** Forgets every failure of `key` (after a successful login). */
export async function clearLoginFailures(db: Executor, key: string): Promise<void> {
  await db.query("delete from login_failures where key = $1", [key]);
}
