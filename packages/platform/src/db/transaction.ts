import type pg from "pg";
import { databaseUnavailableCause } from "./database-unavailable.js";

/**
 * One transaction, opened by the caller (an rpc handler, a background job) and handed to domain
 * and repository functions, which run their statements on it and register what must happen at
 * its end.
 */
export interface Transaction extends Pick<pg.PoolClient, "query"> {
  /**
   * Runs `hook` inside the transaction after the work returned, just before COMMIT (hooks in the
   * order registered). For a call to another service whose acknowledgement the commit waits
   * for: a throw rolls the transaction back and is what the caller sees.
   */
  beforeCommit(hook: () => Promise<unknown>): void;
  /**
   * Runs `hook` after a successful COMMIT only, never after a rollback (hooks in the order
   * registered, awaited before the transaction's caller gets the result): waking a job,
   * announcing a change. A throw is a bug: the rest still run, then the first throw is raised.
   */
  afterCommit(hook: () => unknown): void;
}

/**
 * Runs `work` in one transaction on one pool client: COMMIT on success, ROLLBACK on any throw
 * (of the work, a statement, a beforeCommit hook, or COMMIT itself). The client is taken, and
 * BEGIN sent, at the first statement: checks that fail before any SQL take no connection.
 * A client whose connection failed (or went silent) is destroyed instead of going back to the
 * pool, without waiting on a ROLLBACK it cannot answer (the server rolls back when the
 * connection ends), so the pool recovers with fresh connections once the database is back.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (tx: Transaction) => Promise<T>): Promise<T> {
  const tx = openLazily(pool);
  let result: T;
  try {
    result = await work(tx.handle);
    // A hook may register further hooks: they run too, in order.
    for (let i = 0; i < tx.before.length; i++) await tx.before[i]?.();
    await tx.commit();
  } catch (err) {
    await tx.abandon(err);
    throw err;
  }
  let failure: { err: unknown } | undefined;
  for (const hook of tx.after) {
    try {
      await hook();
    } catch (err) {
      failure ??= { err };
    }
  }
  if (failure) throw failure.err;
  return result;
}

/** The transaction's state: its client once the first statement asked for one, and its hooks. */
function openLazily(pool: pg.Pool) {
  let client: Promise<pg.PoolClient> | undefined;
  let finished = false;
  const before: (() => Promise<unknown>)[] = [];
  const after: (() => unknown)[] = [];
  const begin = async () => {
    const c = await pool.connect();
    try {
      await c.query("BEGIN");
    } catch (err) {
      c.release(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
    return c;
  };
  const connected = () => {
    if (finished) throw new Error("statement on a transaction that has ended");
    client ??= begin();
    return client;
  };
  const handle = {
    query: (async (...args: Parameters<pg.PoolClient["query"]>) => {
      const c = await connected();
      return (c.query as (...a: unknown[]) => unknown)(...args);
    }) as pg.PoolClient["query"],
    beforeCommit: (hook: () => Promise<unknown>) => void before.push(hook),
    afterCommit: (hook: () => unknown) => void after.push(hook),
  } satisfies Transaction;

  /** The client, if BEGIN went through; undefined when no statement ran or BEGIN failed. */
  const begun = async () => (client ? client.catch(() => undefined) : undefined);
  return {
    handle,
    before,
    after,
    /** COMMIT; when it throws, the client stays for abandon() to roll back or destroy. */
    async commit() {
      const c = await begun();
      finished = true;
      if (!c) return;
      await c.query("COMMIT");
      client = undefined;
      c.release();
    },
    async abandon(err: unknown) {
      const c = await begun();
      finished = true;
      if (!c) return;
      client = undefined;
      let broken: Error | undefined;
      if (databaseUnavailableCause(err) !== undefined) broken = err instanceof Error ? err : new Error(String(err));
      else await c.query("ROLLBACK").catch((rollbackErr: Error) => (broken = rollbackErr));
      c.release(broken);
    },
  };
}
