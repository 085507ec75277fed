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

/**
 * When `key` holds `max` or more failures within the last `windowSeconds`: the seconds until the
 * window lets go of enough of them to fall below `max` (at least 1). Undefined when below `max`.
 */
export async function secondsUntilBelowLimit(db: Executor, key: string, max: number, windowSeconds: number): Promise<number | undefined> {
  const { rows } = await db.query<{ seconds: number }>(
    `select greatest(1, ceil(extract(epoch from failed_at + make_interval(secs => $3) - now())))::int as seconds
       from login_failures
      where key = $1 and failed_at > now() - make_interval(secs => $3)
      order by failed_at desc
     offset $2 - 1 limit 1`,
    [key, max, windowSeconds],
  );
  return rows[0]?.seconds;
}

/** Records one failure of `key` now. */
export async function insertLoginFailure(db: Executor, key: string): Promise<void> {
  await db.query("insert into login_failures (key) values ($1)", [key]);
}

/** Forgets every failure of `key` (after a successful login). */
export async function clearLoginFailures(db: Executor, key: string): Promise<void> {
  await db.query("delete from login_failures where key = $1", [key]);
}
