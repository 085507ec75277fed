import type pg from "pg";
import type { Logger } from "../observability/logger.js";
import { purgeExpiredKeys } from "./idempotency.repository.js";

/** Deletes expired Idempotency-Key answers now and then; lookups already ignore them, this bounds the table. */
export interface IdempotencyPurge {
  /** Purges once now, then every interval (the timer never keeps the process alive). */
  start(): void;
  /** No further runs; resolves when a run in progress has finished (before the pool closes). */
  stop(): Promise<void>;
  /** One run: deletes every expired row, in batches; resolves to how many. */
  runOnce(): Promise<number>;
}

/** How often and how much: hourly, in batches of 5 000 rows (one short transaction each). */
export interface PurgeTiming {
  intervalMs: number;
  batch: number;
}

const DEFAULT_TIMING: PurgeTiming = { intervalMs: 60 * 60 * 1000, batch: 5000 };

/**
 * The purge of the `idempotency_keys` table in `pool`'s database. A failed run (the database
 * away) is logged and tried again at the next interval; runs never overlap.
 */
export function createIdempotencyPurge(pool: pg.Pool, log: Logger, timing: PurgeTiming = DEFAULT_TIMING): IdempotencyPurge {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;
  const runOnce = () => {
    running ??= (async () => {
      let total = 0;
      try {
        for (let n = timing.batch; n === timing.batch && !stopped; total += n) n = await purgeExpiredKeys(pool, timing.batch);
      } finally {
        running = undefined;
      }
      return total;
    })();
    return running;
  };
  const tick = () =>
    void runOnce().then(
      (purged) => purged > 0 && log.info({ purged }, "expired idempotency keys purged"),
      (err: unknown) => log.warn({ err }, "idempotency key purge failed; retrying at the next interval"),
    );
  return {
    start() {
      stopped = false;
      tick();
      timer = setInterval(tick, timing.intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
    runOnce,
  };
}
