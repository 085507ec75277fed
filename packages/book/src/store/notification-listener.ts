import type { Logger } from "@lms/platform";
import pg from "pg";

/** Whether a cache may trust what it holds: only while changes are being heard. */
export interface ChangeFeed {
  /** True while the LISTEN connection is up; a change committed meanwhile will be announced. */
  readonly listening: boolean;
}

/** A LISTEN connection of its own, reconnecting until closed. */
export interface NotificationListener extends ChangeFeed {
  /** Connects and LISTENs (a failure is logged and retried, not thrown). */
  start(): Promise<void>;
  /** Stops for good: no more reconnects; the connection ends. */
  close(): Promise<void>;
}

export interface ListenerOptions {
  /** How to reach the database (the service pool's settings: `pool.options`). */
  connection: pg.ClientConfig;
  /** A constant identifier (`[a-z_]+`), the channel a trigger notifies. */
  channel: string;
  /**
   * Called on every notification, and whenever `listening` changes (connected: changes made
   * while nobody listened were missed; lost: the cache may no longer trust its copy).
   */
  onChange: () => void;
  log: Logger;
  /** First delay before reconnecting, doubled up to 5 s (default 200 ms). */
  retryMs?: number;
}

const MAX_RETRY_MS = 5_000;

/**
 * Listens on `channel` over a dedicated connection (not one of the pool's, which are shared
 * and recycled): PostgreSQL delivers a NOTIFY only after its transaction commits, so every
 * replica hears of a committed change within moments, and of a rolled-back one never.
 */
export function createNotificationListener(opts: ListenerOptions): NotificationListener {
  if (!/^[a-z_]+$/.test(opts.channel)) throw new Error(`bad channel name ${opts.channel}`);
  const firstRetry = opts.retryMs ?? 200;
  let current: pg.Client | undefined;
  let closed = false;
  let retryMs = firstRetry;
  let timer: NodeJS.Timeout | undefined;
  const dead = new WeakSet<pg.Client>();

  const lost = (client: pg.Client, err?: unknown) => {
    if (dead.has(client)) return;
    dead.add(client);
    client.end().catch(() => undefined);
    const wasListening = current === client;
    if (wasListening) {
      current = undefined;
      opts.onChange();
    }
    if (closed) return;
    // One warning per outage; the retries that follow log at debug level.
    const fields = { channel: opts.channel, err: err instanceof Error ? err.message : undefined, retryMs };
    if (wasListening) opts.log.warn(fields, "change listener lost; reconnecting");
    else opts.log.debug(fields, "change listener could not connect; retrying");
    timer = setTimeout(() => void connect(), retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  };

  const connect = async () => {
    timer = undefined;
    // Named after the pool's connections (`lms-book` → `lms-book-listen`), so pg_stat_activity tells them apart.
    const name = `${opts.connection.application_name ?? "lms"}-listen`;
    const client = new pg.Client({ ...opts.connection, keepAlive: true, application_name: name });
    client.on("error", (err) => lost(client, err));
    client.on("end", () => lost(client));
    client.on("notification", (n) => {
      if (n.channel === opts.channel && current === client) opts.onChange();
    });
    try {
      await client.connect();
      await client.query(`listen ${opts.channel}`);
    } catch (err) {
      lost(client, err);
      return;
    }
    if (closed || dead.has(client)) {
      await client.end().catch(() => undefined);
      return;
    }
    current = client;
    retryMs = firstRetry;
    opts.onChange();
  };

  return {
    get listening() {
      return current !== undefined;
    },
    start: connect,
    async close() {
      closed = true;
      clearTimeout(timer);
      const client = current;
      current = undefined;
      if (client) {
        dead.add(client);
        await client.end().catch(() => undefined);
      }
    },
  };
}
