import type pg from "pg";
import { databaseUnavailableCause } from "./database-unavailable.js";

/**
 * Anything that runs SQL: the pool, or one client inside a transaction. Repository and
 * domain functions take it as their first argument, so the caller owns the transaction
 * (STYLE.md rule 3).
 */
export type Executor = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

/**
 * Runs `work` in one transaction on one client: COMMIT on success, ROLLBACK on any throw. A
 * client whose connection failed (or went silent) is destroyed instead of going back to the pool,
 * without waiting on a ROLLBACK it cannot answer (the server rolls back when the connection
 * ends), so the pool recovers with fresh connections once the database is back.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    if (databaseUnavailableCause(err) !== undefined) broken = err instanceof Error ? err : new Error(String(err));
    else await client.query("ROLLBACK").catch((rollbackErr: Error) => (broken = rollbackErr));
    throw err;
  } finally {
    client.release(broken);
  }
}

/** True when `err` is a PostgreSQL unique-violation, optionally of one named constraint. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === "23505" && (constraint === undefined || e.constraint === constraint);
}
