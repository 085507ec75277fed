import type pg from "pg";

/** A row lock a spec holds in its own transaction, to make concurrent requests really overlap. */
export interface HeldRowLock {
  /** Resolves once `n` sessions of this database wait for a lock (polling pg_stat_activity). */
  waitForWaiters(n: number, timeoutMs?: number): Promise<void>;
  /** Commits the holding transaction, letting the waiters go. */
  release(): Promise<void>;
}

/** Locks row `id` of `table` FOR UPDATE on a connection of its own until `release`. */
export async function holdRowLock(pool: pg.Pool, table: string, id: string): Promise<HeldRowLock> {
  const client = await pool.connect();
  await client.query("begin");
  await client.query(`select 1 from ${table} where id = $1 for update`, [id]);
  return {
    async waitForWaiters(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await pool.query<{ n: number }>(
          "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
        );
        if (rows[0].n >= n) return;
        if (Date.now() > deadline) throw new Error(`only ${rows[0].n} of ${n} sessions waited for the lock`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async release() {
      await client.query("commit");
      client.release();
    },
  };
}
