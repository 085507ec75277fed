import { errors, type JWTPayload, type JWTVerifyOptions } from "jose";

/**
 * How far a token's `iat` may lie ahead of this host's clock before the token is refused:
 * hosts' clocks drift by a few seconds; a token "issued" further ahead was made by a
 * signer whose clock (or intent) is wrong (DESIGN.md §5 hardening rules).
 */
export const IAT_CLOCK_TOLERANCE_SECONDS = 30;

/**
 * The jose options every access-token check uses (the auth service's VerifyToken and every
 * service's verifier alike): EdDSA only, this issuer and audience, and `exp` required — a
 * signed token without an expiry would be valid for ever.
 */
export function accessTokenVerifyOptions(issuer: string, audience: string): JWTVerifyOptions {
  return { algorithms: ["EdDSA"], issuer, audience, requiredClaims: ["exp"] };
}

/**
 * Throws jose's `JWTClaimValidationFailed` (claim "iat") when the token says it was issued
 * more than {@link IAT_CLOCK_TOLERANCE_SECONDS} in the future. jose checks `iat` only when a
 * maximum token age is given, so the rule is applied here, after `jwtVerify`.
 */
export function assertIssuedInThePast(payload: JWTPayload, nowMs = Date.now()): void {
  if (typeof payload.iat === "number" && payload.iat > nowMs / 1000 + IAT_CLOCK_TOLERANCE_SECONDS) {
    throw new errors.JWTClaimValidationFailed('"iat" claim is in the future', payload, "iat", "check_failed");
  }
}
