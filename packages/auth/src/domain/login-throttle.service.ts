import { inTransaction, resourceExhausted } from "@lms/platform";
import type pg from "pg";
import * as failures from "../store/login-failure.repository.js";

/** At most `maxFailures` failed logins per email within `windowSeconds`. */
export interface LoginLimits {
  maxFailures: number;
  windowSeconds: number;
}

/**
 * Admits one login attempt for `key` (a lower-cased email) or refuses it with
 * RESOURCE_EXHAUSTED when the window already holds `maxFailures` failures. An admitted attempt
 * is recorded as a failure up front, under a per-key lock, so concurrent attempts on every
 * replica are counted exactly; a successful login then clears the record ({@link forgetFailures}).
 * A refused attempt records nothing, so the window still ends.
 */
export async function admitLoginAttempt(pool: pg.Pool, key: string, limits: LoginLimits): Promise<void> {
  await inTransaction(pool, async (tx) => {
    await failures.lockLoginKey(tx, key);
    await failures.pruneLoginFailures(tx, key, limits.windowSeconds);
    if ((await failures.countLoginFailures(tx, key, limits.windowSeconds)) >= limits.maxFailures) {
      throw resourceExhausted("too many failed logins for this email; try again later", {
        maxFailures: String(limits.maxFailures),
        windowSeconds: String(limits.windowSeconds),
      });
    }
    await failures.insertLoginFailure(tx, key);
  });
}

/** Clears the failures of `key` after a successful login. */
export async function forgetFailures(pool: pg.Pool, key: string): Promise<void> {
  await failures.clearLoginFailures(pool, key);
}
