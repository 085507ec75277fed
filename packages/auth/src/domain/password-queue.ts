import { Code, ConnectError } from "@connectrpc/connect";
import { unavailable, withRetryAfter } from "@lms/platform";
import type { PasswordHasher } from "./password-hasher.js";

/** How much argon2 work may run at once, and how much may wait. */
export interface HashingLimits {
  /** Hashes running at once (each holds a libuv thread and argon2's memory). */
  concurrency: number;
  /** Hashes waiting for a slot; one more is refused with UNAVAILABLE and a retry delay. */
  maxQueued: number;
}

/** What the queue holds now, for metrics and specs. */
export interface QueueState {
  running: number;
  queued: number;
  /** Refused because the queue was full. */
  shed: number;
  /** Dropped before they ran because their caller had gone (while waiting, or before it came). */
  dropped: number;
}

/** A hasher whose work is bounded; `state` tells what it holds. */
export interface BoundedHasher extends PasswordHasher {
  state(): QueueState;
}

interface Waiting {
  start(): void;
}

/** First guess of one hash's duration, until real ones are measured. */
const INITIAL_ESTIMATE_MS = 50;

/**
 * Bounds the argon2 work of `inner` (DESIGN.md §5, issue 14 item 4): at most `concurrency`
 * hashes run; up to `maxQueued` wait in order; beyond that a call is refused at once with
 * UNAVAILABLE (503) carrying a RetryInfo of about how long the queue takes to drain, instead of
 * answering long after the client gave up. A waiting call whose signal aborts (client gone,
 * deadline passed) leaves the queue and never runs.
 */
export function createBoundedHasher(inner: PasswordHasher, limits: HashingLimits): BoundedHasher {
  const waiting: Waiting[] = [];
  const counts = { running: 0, shed: 0, dropped: 0 };
  let averageMs = INITIAL_ESTIMATE_MS;

  const next = () => {
    while (counts.running < limits.concurrency && waiting.length > 0) (waiting.shift() as Waiting).start();
  };
  const execute = async <T>(work: () => Promise<T>): Promise<T> => {
    counts.running++;
    const began = performance.now();
    try {
      return await work();
    } finally {
      averageMs = 0.8 * averageMs + 0.2 * (performance.now() - began);
      counts.running--;
      next();
    }
  };
  const run = <T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> => {
    if (signal?.aborted) {
      counts.dropped++;
      return Promise.reject(callerGone());
    }
    if (counts.running < limits.concurrency && waiting.length === 0) return execute(work);
    if (waiting.length >= limits.maxQueued) {
      counts.shed++;
      const drainSeconds = ((waiting.length + limits.concurrency) * averageMs) / limits.concurrency / 1000;
      return Promise.reject(withRetryAfter(unavailable("too many logins at once; try again shortly"), drainSeconds));
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        const at = waiting.indexOf(entry);
        if (at < 0) return;
        waiting.splice(at, 1);
        counts.dropped++;
        reject(callerGone());
      };
      const entry: Waiting = {
        start() {
          signal?.removeEventListener("abort", onAbort);
          execute(work).then(resolve, reject);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      waiting.push(entry);
    });
  };

  return {
    hash: (password, signal) => run(() => inner.hash(password), signal),
    verify: (passwordHash, password, signal) => run(() => inner.verify(passwordHash, password), signal),
    verifyNothing: (password, signal) => run(() => inner.verifyNothing(password), signal),
    state: () => ({ running: counts.running, queued: waiting.length, shed: counts.shed, dropped: counts.dropped }),
  };
}

function callerGone(): ConnectError {
  return new ConnectError("the caller went away before its password was checked", Code.Canceled);
}
