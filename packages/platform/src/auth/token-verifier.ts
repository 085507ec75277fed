import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import { unauthenticated, unavailable } from "../errors/errors.js";
import { type Principal, ROLES, type RoleName } from "./principal.js";
import { accessTokenVerifyOptions, assertIssuedInThePast } from "./token-claims.js";

/** Turns an access token into the caller, or throws UNAUTHENTICATED (UNAVAILABLE if keys cannot be fetched). */
export interface TokenVerifier {
  verify(token: string): Promise<Principal & { expiresAt: Date }>;
}

/** Why a token was refused, as VerifyToken reports it. */
export class InvalidTokenError extends Error {}

/**
 * Verifies EdDSA JWTs against `keys` with a fixed issuer and audience: a token of another
 * algorithm (including `alg: none`), issuer or audience is refused, and so is a token
 * without `exp` or issued in the future (token-claims.ts).
 */
export function createTokenVerifier(keys: JWTVerifyGetKey, issuer: string, audience: string): TokenVerifier {
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keys, accessTokenVerifyOptions(issuer, audience));
        assertIssuedInThePast(payload);
        const role = payload.role as RoleName;
        if (typeof payload.sub !== "string" || !ROLES.includes(role) || typeof payload.email !== "string") {
          throw unauthenticated("invalid token: missing claims");
        }
        return { userId: payload.sub, email: payload.email, role, expiresAt: new Date((payload.exp ?? 0) * 1000) };
      } catch (err) {
        throw toAuthError(err);
      }
    },
  };
}

/**
 * A verifier for services other than auth: keys come from the auth service's JWKS URL,
 * cached, and refetched when a token names an unknown `kid` (jose's remote key set).
 */
export function createJwksVerifier(jwksUrl: string, issuer: string, audience: string): TokenVerifier {
  const keys = createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 3000, cooldownDuration: 10_000, cacheMaxAge: 600_000 });
  return withVerifiedTokenCache(createTokenVerifier(keys, issuer, audience));
}

/** Most tokens a service remembers as verified (about half a kilobyte each). */
const VERIFIED_TOKENS = 10_000;

/**
 * Remembers tokens that passed verification until they expire, so a client's next calls with
 * the same token skip the signature check (an Ed25519 verify per request, the largest part of
 * an authenticated call's CPU after the SQL). It changes nothing a token can do: an access
 * token is valid until `exp` whatever happens meanwhile (DESIGN.md §5 has no revocation of
 * access tokens), and a key dropped from the JWKS already stays trusted while jose caches the
 * key set. Refusals are not remembered. The oldest token goes first when full.
 */
export function withVerifiedTokenCache(inner: TokenVerifier, maxEntries = VERIFIED_TOKENS): TokenVerifier {
  const verified = new Map<string, Readonly<Principal & { expiresAt: Date }>>();
  return {
    async verify(token) {
      const known = verified.get(token);
      if (known && known.expiresAt.getTime() > Date.now()) return known;
      verified.delete(token);
      const principal = Object.freeze(await inner.verify(token));
      verified.set(token, principal);
      if (verified.size > maxEntries) verified.delete(verified.keys().next().value as string);
      return principal;
    },
  };
}

function toAuthError(err: unknown): Error {
  if (err instanceof errors.JWTExpired) return unauthenticated("token expired");
  if (err instanceof errors.JWKSTimeout) return unavailable("auth service keys unavailable");
  if (err instanceof errors.JWTClaimValidationFailed)
    return unauthenticated(`invalid token: ${err.claim} claim ${err.reason === "missing" ? "missing" : "refused"}`);
  if (err instanceof errors.JOSEError) return unauthenticated(`invalid token: ${err.code}`);
  if (err instanceof Error && "code" in err && typeof err.code === "number") return err; // already a ConnectError
  // fetch failures of the key set (auth service down) are not the caller's fault.
  if (err instanceof TypeError) return unavailable("auth service keys unavailable");
  return unauthenticated("invalid token");
}
