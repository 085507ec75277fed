import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import { unauthenticated, unavailable } from "../errors/errors.js";
import { type Principal, ROLES, type RoleName } from "./principal.js";

/** Turns an access token into the caller, or throws UNAUTHENTICATED (UNAVAILABLE if keys cannot be fetched). */
export interface TokenVerifier {
  verify(token: string): Promise<Principal & { expiresAt: Date }>;
}

/** Why a token was refused, as VerifyToken reports it. */
export class InvalidTokenError extends Error {}

/**
 * Verifies EdDSA JWTs against `keys` with a fixed issuer and audience: a token of another
 * algorithm (including `alg: none`), issuer or audience is refused.
 */
export function createTokenVerifier(keys: JWTVerifyGetKey, issuer: string, audience: string): TokenVerifier {
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keys, { algorithms: ["EdDSA"], issuer, audience });
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
  return createTokenVerifier(keys, issuer, audience);
}

function toAuthError(err: unknown): Error {
  if (err instanceof errors.JWTExpired) return unauthenticated("token expired");
  if (err instanceof errors.JWKSTimeout) return unavailable("auth service keys unavailable");
  if (err instanceof errors.JOSEError) return unauthenticated(`invalid token: ${err.code}`);
  if (err instanceof Error && "code" in err && typeof err.code === "number") return err; // already a ConnectError
  // fetch failures of the key set (auth service down) are not the caller's fault.
  if (err instanceof TypeError) return unavailable("auth service keys unavailable");
  return unauthenticated("invalid token");
}
