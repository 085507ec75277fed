import type { Executor } from "../db/executor.js";
import type { StoredRefusal } from "./stored-refusal.js";

/** A key's recorded first answer: exactly one of `response` (binary response message) and `refusal`. */
export interface RecordedAnswer {
  fingerprint: Buffer;
  response: Buffer | null;
  refusal: StoredRefusal | null;
}

/** What to record for a key. */
export interface AnswerRow {
  caller: string;
  key: string;
  method: string;
  fingerprint: Buffer;
  response?: Uint8Array;
  refusal?: StoredRefusal;
}

/**
 * Takes the key's transaction-scoped advisory lock if nobody holds it; false when another
 * transaction (the key's first request, still running) does. Released at COMMIT or ROLLBACK.
 */
export async function tryLockKey(tx: Executor, lockKey: string): Promise<boolean> {
  const { rows } = await tx.query<{ locked: boolean }>("select pg_try_advisory_xact_lock($1::bigint) as locked", [lockKey]);
  return rows[0]?.locked === true;
}

/** The key's answer unless none was recorded or it expired (an expired one counts as none). */
export async function findLiveAnswer(tx: Executor, caller: string, key: string): Promise<RecordedAnswer | undefined> {
  const { rows } = await tx.query<RecordedAnswer>(
    "select fingerprint, response, refusal from idempotency_keys where caller = $1 and key = $2 and expires_at > now()",
    [caller, key],
  );
  return rows[0];
}

/** Records the key's answer for `ttlSeconds`, replacing an expired row of the same key (the caller holds the key's lock). */
export async function recordAnswer(tx: Executor, row: AnswerRow, ttlSeconds: number): Promise<void> {
  await tx.query(
    `insert into idempotency_keys (caller, key, method, fingerprint, response, refusal, expires_at)
     values ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))
     on conflict (caller, key) do update
       set method = excluded.method, fingerprint = excluded.fingerprint, response = excluded.response,
           refusal = excluded.refusal, created_at = now(), expires_at = excluded.expires_at`,
    [
      row.caller,
      row.key,
      row.method,
      row.fingerprint,
      row.response ? Buffer.from(row.response) : null,
      row.refusal ? JSON.stringify(row.refusal) : null,
      ttlSeconds,
    ],
  );
}

/**
 * Deletes up to `batch` expired rows, oldest first, skipping rows a request is replacing right
 * now; returns how many went.
 */
export async function purgeExpiredKeys(db: Executor, batch: number): Promise<number> {
  const { rowCount } = await db.query(
    `delete from idempotency_keys k
      using (select caller, key from idempotency_keys where expires_at <= now()
              order by expires_at limit $1 for update skip locked) doomed
      where k.caller = doomed.caller and k.key = doomed.key`,
    [batch],
  );
  return rowCount ?? 0;
}
