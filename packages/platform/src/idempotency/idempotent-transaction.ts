import { fromBinary, type Message, toBinary } from "@bufbuild/protobuf";
import type { ConnectError, HandlerContext } from "@connectrpc/connect";
import type pg from "pg";
import { inTransaction, type Transaction } from "../db/transaction.js";
import { aborted, invalidArgument, withReason } from "../errors/errors.js";
import { findLiveAnswer, type RecordedAnswer, recordAnswer, tryLockKey } from "./idempotency.repository.js";
import {
  IDEMPOTENCY_KEY_FIELD,
  IDEMPOTENCY_KEY_IN_USE,
  IDEMPOTENCY_KEY_REUSED,
  IDEMPOTENCY_REPLAYED_HEADER,
  IDEMPOTENCY_TTL_SECONDS,
  idempotencyCallerOf,
  idempotencyKeyOf,
  lockKeyOf,
  methodName,
  requestFingerprint,
} from "./idempotency-key.js";
import { decodeRefusal, encodeRefusal, recordedRefusal } from "./stored-refusal.js";

/** Where a keyed call's answer is recorded: the key and whose it is, the method and the request's fingerprint. */
interface KeyedCall {
  caller: string;
  key: string;
  method: string;
  fingerprint: Buffer;
}

type Outcome<T> = { kind: "ran"; message: T } | { kind: "refused"; error: ConnectError } | { kind: "replayed"; answer: RecordedAnswer };

const SAVEPOINT = "idempotent_work";

/**
 * Runs a write handler's `work` in one transaction, once per Idempotency-Key (DESIGN.md §8).
 * Without a key (header / metadata `idempotency-key`) it is exactly `inTransaction(pool, work)`.
 * With one, in the effect's own transaction: the key's advisory lock is taken first (held by a
 * running first request → ABORTED `IDEMPOTENCY_KEY_IN_USE`, nothing done), then the key's
 * unexpired answer is looked up. A recorded answer for the same request (method + request
 * message, see `requestFingerprint`) is given again with `idempotency-replayed: true` (response
 * metadata on success, error metadata on a refusal; REST headers alike) and nothing runs; for
 * another request it is INVALID_ARGUMENT `IDEMPOTENCY_KEY_REUSED`. With no answer yet, `work`
 * runs inside a savepoint: its answer is recorded and committed with its effect; a refusal a
 * retry would get again (`recordedRefusal`) is recorded after rolling the effect back to the
 * savepoint, committed, then thrown; any other failure (INTERNAL, UNAVAILABLE, ABORTED…)
 * rolls everything back and records nothing, so a retry runs afresh. Keys are scoped to their
 * caller (`idempotencyCallerOf`) and answered again for `ttlSeconds` (24 h). Hooks `work`
 * registers on its transaction run only when it succeeded. Response headers the handler sets
 * are not recorded: only the message (or the refusal's code, message and details).
 */
export async function inIdempotentTransaction<T extends Message>(
  pool: pg.Pool,
  ctx: HandlerContext,
  request: Message,
  work: (tx: Transaction) => Promise<T>,
  ttlSeconds: number = IDEMPOTENCY_TTL_SECONDS,
): Promise<T> {
  const key = idempotencyKeyOf(ctx.requestHeader);
  if (key === undefined) return inTransaction(pool, work);
  const call: KeyedCall = {
    caller: idempotencyCallerOf(ctx),
    key,
    method: methodName(ctx.method),
    fingerprint: requestFingerprint(ctx.method, request),
  };
  const outcome = await inTransaction(pool, (tx) => runOnce(tx, ctx, call, work, ttlSeconds));
  if (outcome.kind === "ran") return outcome.message;
  if (outcome.kind === "refused") throw outcome.error;
  const { response, refusal } = outcome.answer;
  if (refusal) throw decodeRefusal(refusal, { [IDEMPOTENCY_REPLAYED_HEADER]: "true" });
  ctx.responseHeader.set(IDEMPOTENCY_REPLAYED_HEADER, "true");
  return fromBinary(ctx.method.output, response ?? new Uint8Array()) as T;
}

async function runOnce<T extends Message>(
  tx: Transaction,
  ctx: HandlerContext,
  call: KeyedCall,
  work: (tx: Transaction) => Promise<T>,
  ttlSeconds: number,
): Promise<Outcome<T>> {
  // The lock before the lookup: a first request that commits between the two is then seen.
  if (!(await tryLockKey(tx, lockKeyOf(call.caller, call.key)))) throw keyInUse();
  const recorded = await findLiveAnswer(tx, call.caller, call.key);
  if (recorded) {
    if (!recorded.fingerprint.equals(call.fingerprint)) throw keyReused();
    return { kind: "replayed", answer: recorded };
  }
  await tx.query(`savepoint ${SAVEPOINT}`);
  const inner = holdingHooks(tx);
  let message: T;
  try {
    message = await work(inner.tx);
  } catch (err) {
    const refusal = recordedRefusal(err);
    if (!refusal) throw err;
    await tx.query(`rollback to savepoint ${SAVEPOINT}`);
    await recordAnswer(tx, { ...call, refusal: encodeRefusal(refusal) }, ttlSeconds);
    return { kind: "refused", error: refusal };
  }
  await recordAnswer(tx, { ...call, response: toBinary(ctx.method.output, message) }, ttlSeconds);
  inner.release();
  return { kind: "ran", message };
}

/** `tx` for the work, keeping the hooks it registers until `release` (a refused work's hooks never run). */
function holdingHooks(tx: Transaction) {
  const before: (() => Promise<unknown>)[] = [];
  const after: (() => unknown)[] = [];
  const inner: Transaction = {
    query: tx.query.bind(tx),
    beforeCommit: (hook) => void before.push(hook),
    afterCommit: (hook) => void after.push(hook),
  };
  return {
    tx: inner,
    release() {
      for (const hook of before) tx.beforeCommit(hook);
      for (const hook of after) tx.afterCommit(hook);
    },
  };
}

function keyInUse(): ConnectError {
  return withReason(aborted("the first request with this Idempotency-Key is still running; retry it shortly"), IDEMPOTENCY_KEY_IN_USE);
}

function keyReused(): ConnectError {
  return withReason(
    invalidArgument(IDEMPOTENCY_KEY_FIELD, "was already used for another request; send a new key with a new request"),
    IDEMPOTENCY_KEY_REUSED,
  );
}
