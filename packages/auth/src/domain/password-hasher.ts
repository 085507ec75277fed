import { randomBytes } from "node:crypto";
import { type Algorithm, hash, verify } from "@node-rs/argon2";

// The package exports a `const enum`, which isolatedModules cannot inline; 2 is Argon2id.
const ARGON2ID: Algorithm = 2;

/** argon2id cost parameters. */
export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/**
 * Hashes and checks passwords with argon2id. `signal` is the caller's: work whose caller is
 * gone may be dropped before it starts (see password-queue.ts).
 */
export interface PasswordHasher {
  hash(password: string, signal?: AbortSignal): Promise<string>;
  /** False for a wrong password or an unreadable hash; never throws for either. */
  verify(passwordHash: string, password: string, signal?: AbortSignal): Promise<boolean>;
  /** Spends the time of one verification, for logins of unknown emails (no timing oracle). */
  verifyNothing(password: string, signal?: AbortSignal): Promise<false>;
}

/** A hasher with the given cost; verification reads the cost of each stored hash from the hash itself. */
export async function createPasswordHasher(params: Argon2Params): Promise<PasswordHasher> {
  const options = { ...params, algorithm: ARGON2ID };
  const dummyHash = await hash(randomBytes(16).toString("base64url"), options);
  const check = (passwordHash: string, password: string) => verify(passwordHash, password).catch(() => false);
  return {
    hash: (password) => hash(password, options),
    verify: check,
    async verifyNothing(password) {
      await check(dummyHash, password);
      return false;
    },
  };
}
