import type pg from "pg";

/**
 * Anything that runs SQL: the pool, or one client inside a transaction. Repository and
 * domain functions take it as their first argument, so the caller owns the transaction
 * (STYLE.md rule 3).
 */
export type Executor = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

/** Runs `work` in one transaction on one client: COMMIT on success, ROLLBACK on any throw. */
export async function inTransaction<T>(pool: pg.Pool, work: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** True when `err` is a PostgreSQL unique-violation, optionally of one named constraint. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === "23505" && (constraint === undefined || e.constraint === constraint);
}
