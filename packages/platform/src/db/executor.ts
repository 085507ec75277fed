import type pg from "pg";

/**
 * Anything that runs SQL: the pool (each statement its own transaction), or a {@link Transaction}.
 * Repository and domain functions take it as their first argument, so the caller owns the
 * transaction (STYLE.md rule 3).
 */
export type Executor = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

/** True when `err` is a PostgreSQL unique-violation, optionally of one named constraint. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === "23505" && (constraint === undefined || e.constraint === constraint);
}
