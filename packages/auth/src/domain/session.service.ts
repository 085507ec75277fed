import { randomUUID } from "node:crypto";
import { type Executor, invalidArgument, type Transaction, unauthenticated } from "@lms/platform";
import * as tokens from "../store/refresh-token.repository.js";
import * as users from "../store/user.repository.js";
import { type AccessTokenSettings, type Introspection, inspectAccessToken, signAccessToken } from "./access-token.js";
import { loginInput } from "./credentials.js";
import {
  forgetFailures,
  type LoginCounters,
  type LoginLimits,
  loginCounters,
  recordFailure,
  refuseIfLimited,
} from "./login-throttle.service.js";
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
 * A login attempt whose password was checked: the user when it was right, and the counters the
 * attempt is held to. `user` undefined: unknown email or wrong password, which the caller records
 * with {@link recordFailedLogin} before {@link startLogin} refuses it.
 */
export interface CheckedLogin {
  email: string;
  user: User | undefined;
  counters: LoginCounters;
}

/**
 * Checks email and password (no transaction: argon2 takes long). Rate limited per email and per
 * client address: a full limit refuses before any argon2 work. An unknown email costs the same
 * argon2 work as a known one.
 */
export async function checkLogin(
  db: Executor,
  deps: SessionDeps,
  email: string,
  password: string,
  call: CallFacts = {},
): Promise<CheckedLogin> {
  const input = loginInput(email, password);
  const counters = loginCounters(input.email, call.clientAddress, deps.limits);
  await refuseIfLimited(db, counters, deps.limits);
  const found = await users.findCredentials(db, input.email);
  const ok = found
    ? await deps.passwords.verify(found.passwordHash, input.password, call.signal)
    : await deps.passwords.verifyNothing(input.password, call.signal);
  return { email: input.email, user: found && ok ? found.user : undefined, counters };
}

/**
 * Counts a failed login in `tx` (exactly, under a lock: see `recordFailure`; a full counter
 * refuses with 429 instead). It must commit before the login is refused ({@link startLogin}).
 */
export async function recordFailedLogin(tx: Transaction, deps: SessionDeps, attempt: CheckedLogin): Promise<void> {
  await recordFailure(tx, attempt.counters, deps.limits);
}

/**
 * Starts a new login (refresh-token family) for a correct password, or refuses a wrong one (the
 * same answer for an unknown email). A correct password is refused too while a counter is full
 * (else a full counter would still tell a right guess from a wrong one), clears the account's
 * failures, and never counts one.
 */
export async function startLogin(db: Executor, deps: SessionDeps, attempt: CheckedLogin): Promise<TokenPair> {
  if (!attempt.user) throw unauthenticated(INVALID_CREDENTIALS);
  await refuseIfLimited(db, attempt.counters, deps.limits);
  await forgetFailures(db, attempt.email);
  return issueTokenPair(db, deps, attempt.user, randomUUID());
}

/** What became of a refresh token: a new pair, or why not (the call fails with {@link tokenPairOf}). */
export interface RefreshOutcome {
  state: RefreshTokenState;
  pair?: TokenPair;
}

/**
 * Exchanges a refresh token, once, for a new pair of the same login, in `tx`. The token row is
 * locked, so of concurrent exchanges exactly one wins. Presenting a used token revokes the whole
 * login: the outcome says so without throwing, so the revocation commits before the call fails
 * ({@link tokenPairOf}).
 */
export async function refresh(tx: Transaction, deps: SessionDeps, refreshToken: string): Promise<RefreshOutcome> {
  const tokenHash = hashRefreshToken(requireToken(refreshToken));
  const record = await tokens.lockRefreshToken(tx, tokenHash);
  const state = refreshTokenState(record, new Date());
  if (!record || state !== "usable") {
    if (record && state === "reused") await tokens.revokeFamily(tx, record.familyId);
    return { state };
  }
  await tokens.markRefreshTokenUsed(tx, record.id);
  const user = await users.findUser(tx, record.userId);
  return user ? { state, pair: await issueTokenPair(tx, deps, user, record.familyId) } : { state: "unknown" };
}

/** The new pair of a committed exchange, or its refusal (REFRESH_TOKEN_REUSED for a used token). */
export function tokenPairOf(outcome: RefreshOutcome): TokenPair {
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
