import { randomUUID } from "node:crypto";
import { type Executor, inTransaction, invalidArgument, unauthenticated } from "@lms/platform";
import type pg from "pg";
import * as tokens from "../store/refresh-token.repository.js";
import * as users from "../store/user.repository.js";
import { type AccessTokenSettings, type Introspection, inspectAccessToken, signAccessToken } from "./access-token.js";
import { loginInput } from "./credentials.js";
import { forgetFailures, type LoginLimits, loginCounters, recordFailure, refuseIfLimited } from "./login-throttle.service.js";
import type { PasswordHasher } from "./password-hasher.js";
import { hashRefreshToken, newRefreshToken, type RefreshTokenState, refreshTokenState } from "./refresh-token.js";
import type { SigningKeys } from "./signing-keys.js";
import type { User } from "./user.js";

/** What logins and token exchanges need besides the database. */
export interface SessionDeps {
  keys: SigningKeys;
  passwords: PasswordHasher;
  access: AccessTokenSettings;
  refreshTtlSeconds: number;
  limits: LoginLimits;
}

/** An access token and the refresh token of the same login, with their lifetimes in seconds. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  refreshExpiresIn: number;
}

/** Who is calling: the client's address (per-address limits) and a signal that fires when it goes away. */
export interface CallFacts {
  clientAddress?: string;
  signal?: AbortSignal;
}

/** Same answer for an unknown email and a wrong password (DESIGN.md §5). */
const INVALID_CREDENTIALS = "invalid email or password";

/**
 * Exchanges email and password for a token pair starting a new login (refresh-token family).
 * Rate limited per email and per client address: a full limit refuses before any argon2 work;
 * a wrong password is counted once checked (exactly, under a lock), a correct one never. An
 * unknown email costs the same argon2 work as a known one.
 */
export async function login(pool: pg.Pool, deps: SessionDeps, email: string, password: string, call: CallFacts = {}): Promise<TokenPair> {
  const input = loginInput(email, password);
  const counters = loginCounters(input.email, call.clientAddress, deps.limits);
  await refuseIfLimited(pool, counters, deps.limits);
  const found = await users.findCredentials(pool, input.email);
  const ok = found
    ? await deps.passwords.verify(found.passwordHash, input.password, call.signal)
    : await deps.passwords.verifyNothing(input.password, call.signal);
  if (!found || !ok) {
    await recordFailure(pool, counters, deps.limits);
    throw unauthenticated(INVALID_CREDENTIALS);
  }
  await refuseIfLimited(pool, counters, deps.limits);
  await forgetFailures(pool, input.email);
  return issueTokenPair(pool, deps, found.user, randomUUID());
}

/**
 * Exchanges a refresh token, once, for a new pair of the same login. The token row is locked,
 * so of concurrent exchanges exactly one wins. Presenting a used token revokes the whole login
 * (committed before the call fails with REFRESH_TOKEN_REUSED).
 */
export async function refresh(pool: pg.Pool, deps: SessionDeps, refreshToken: string): Promise<TokenPair> {
  const tokenHash = hashRefreshToken(requireToken(refreshToken));
  const outcome = await inTransaction(pool, async (tx): Promise<{ state: RefreshTokenState; pair?: TokenPair }> => {
    const record = await tokens.lockRefreshToken(tx, tokenHash);
    const state = refreshTokenState(record, new Date());
    if (!record || state !== "usable") {
      if (record && state === "reused") await tokens.revokeFamily(tx, record.familyId);
      return { state };
    }
    await tokens.markRefreshTokenUsed(tx, record.id);
    const user = await users.findUser(tx, record.userId);
    return user ? { state, pair: await issueTokenPair(tx, deps, user, record.familyId) } : { state: "unknown" };
  });
  if (outcome.pair) return outcome.pair;
  if (outcome.state === "reused") {
    throw unauthenticated("refresh token already used: every token of this login is revoked", "REFRESH_TOKEN_REUSED");
  }
  throw unauthenticated(outcome.state === "unknown" ? "invalid refresh token" : `refresh token ${outcome.state}`);
}

/** Revokes every refresh token of the login `refreshToken` belongs to; idempotent for a known token. */
export async function logout(db: Executor, refreshToken: string): Promise<void> {
  const record = await tokens.findRefreshToken(db, hashRefreshToken(requireToken(refreshToken)));
  if (!record) throw unauthenticated("invalid refresh token");
  await tokens.revokeFamily(db, record.familyId);
}

/** Introspects an access token: never fails for a bad token, says why instead. */
export async function verifyToken(deps: SessionDeps, token: string): Promise<Introspection> {
  if (token.trim() === "") return { valid: false, reason: "malformed token" };
  return inspectAccessToken(deps.keys.getKey, token.trim(), deps.access);
}

/** Signs an access token for `user` and stores a new refresh token of `familyId`. */
async function issueTokenPair(db: Executor, deps: SessionDeps, user: User, familyId: string): Promise<TokenPair> {
  const refreshToken = newRefreshToken();
  await tokens.insertRefreshToken(db, {
    familyId,
    userId: user.id,
    tokenHash: hashRefreshToken(refreshToken),
    ttlSeconds: deps.refreshTtlSeconds,
  });
  return {
    accessToken: await signAccessToken(deps.keys.signing, user, deps.access),
    refreshToken,
    expiresIn: deps.access.ttlSeconds,
    refreshExpiresIn: deps.refreshTtlSeconds,
  };
}

function requireToken(refreshToken: string): string {
  if (refreshToken.trim() === "") throw invalidArgument("refreshToken", "is required");
  return refreshToken.trim();
}
