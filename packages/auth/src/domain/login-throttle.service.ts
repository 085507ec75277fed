import { type Executor, resourceExhausted, type Transaction, withRetryAfter } from "@lms/platform";
import * as failures from "../store/login-failure.repository.js";

/** Failed logins allowed within `windowSeconds`: per email, and per client address. */
export interface LoginLimits {
  maxFailures: number;
  maxFailuresPerAddress: number;
  windowSeconds: number;
}

/** One counter a login attempt is held to. */
interface Counter {
  key: string;
  max: number;
  refusal: string;
}

/** The counters of one login attempt, in a fixed order (the lock order). */
export type LoginCounters = readonly Counter[];

/**
 * The counters an attempt for `email` from `clientAddress` is held to. Keys are emails as they
 * are and `ip:<address>` (an email always holds an "@", so the two never meet); a call without
 * an address (in-process) is held to the email's counter only.
 */
export function loginCounters(email: string, clientAddress: string | undefined, limits: LoginLimits): LoginCounters {
  const counters: Counter[] = [{ key: email, max: limits.maxFailures, refusal: "too many failed logins for this email; try again later" }];
  if (clientAddress) {
    counters.push({
      key: `ip:${clientAddress}`,
      max: limits.maxFailuresPerAddress,
      refusal: "too many failed logins from this address; try again later",
    });
  }
  return counters.sort((a, b) => (a.key < b.key ? -1 : 1));
}

/**
 * Refuses with RESOURCE_EXHAUSTED (429, Retry-After = seconds until the window frees a slot)
 * when any counter is full. Cheap and lock-free: asked before any argon2 work, and again for a
 * correct password, which is refused too while a counter is full (else a full counter would
 * still tell a right guess from a wrong one).
 */
export async function refuseIfLimited(db: Executor, counters: LoginCounters, limits: LoginLimits): Promise<void> {
  for (const counter of counters) {
    const wait = await failures.secondsUntilBelowLimit(db, counter.key, counter.max, limits.windowSeconds);
    if (wait !== undefined) throw limited(counter, limits, wait);
  }
}

/**
 * Records one real failure on every counter (in the caller's transaction), or refuses the attempt (429) when a counter is
 * already full, recording nothing. Under a per-key lock taken in key order, so concurrent wrong
 * guesses on every replica are counted exactly: never more than `max` per window get through.
 * Only finished, wrong attempts are counted: a login still being checked holds no slot, so
 * concurrent correct logins never limit one another.
 */
export async function recordFailure(tx: Transaction, counters: LoginCounters, limits: LoginLimits): Promise<void> {
  for (const counter of counters) await failures.lockLoginKey(tx, counter.key);
  for (const counter of counters) await failures.pruneLoginFailures(tx, counter.key, limits.windowSeconds);
  await refuseIfLimited(tx, counters, limits);
  for (const counter of counters) await failures.insertLoginFailure(tx, counter.key);
}

/** Clears the failures of the account after a successful login (an address's count stays: one good account must not reset it). */
export async function forgetFailures(db: Executor, email: string): Promise<void> {
  await failures.clearLoginFailures(db, email);
}

function limited(counter: Counter, limits: LoginLimits, seconds: number) {
  const err = resourceExhausted(counter.refusal, { maxFailures: String(counter.max), windowSeconds: String(limits.windowSeconds) });
  return withRetryAfter(err, seconds);
}
