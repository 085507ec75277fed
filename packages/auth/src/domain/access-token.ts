import { randomUUID } from "node:crypto";
import { accessTokenVerifyOptions, assertIssuedInThePast, ROLES, type RoleName } from "@lms/platform";
import { type CryptoKey, errors, type JWTVerifyGetKey, jwtVerify, SignJWT } from "jose";
import type { User } from "./user.js";

/** Issuer, audience and lifetime of access tokens. */
export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** What VerifyToken tells about a token (like RFC 7662 introspection). */
export type Introspection =
  | { valid: true; userId: string; email: string; role: RoleName; expiresAt: Date }
  | { valid: false; reason: string };

/** Signs an EdDSA access token for `user` with claims sub, email, role, iss, aud, iat, exp, jti. */
export function signAccessToken(key: { kid: string; privateKey: CryptoKey }, user: User, s: AccessTokenSettings): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: user.email, role: user.role })
    .setProtectedHeader({ alg: "EdDSA", kid: key.kid, typ: "JWT" })
    .setSubject(user.id)
    .setIssuer(s.issuer)
    .setAudience(s.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + s.ttlSeconds)
    .setJti(randomUUID())
    .sign(key.privateKey);
}

/**
 * Checks a token as every service does (EdDSA only, this issuer and audience, `exp` present and
 * not passed, `iat` not in the future)
 * and says why when it fails. Only a failure unrelated to the token (e.g. a bug) throws.
 */
export async function inspectAccessToken(getKey: JWTVerifyGetKey, token: string, s: AccessTokenSettings): Promise<Introspection> {
  try {
    const { payload } = await jwtVerify(token, getKey, {
      ...accessTokenVerifyOptions(s.issuer, s.audience),
      requiredClaims: ["sub", "exp"],
    });
    assertIssuedInThePast(payload);
    const role = payload.role as RoleName;
    if (typeof payload.sub !== "string" || typeof payload.email !== "string" || !ROLES.includes(role)) {
      return { valid: false, reason: "missing or invalid claims" };
    }
    return { valid: true, userId: payload.sub, email: payload.email, role, expiresAt: new Date((payload.exp ?? 0) * 1000) };
  } catch (err) {
    if (err instanceof errors.JOSEError) return { valid: false, reason: reasonOf(err) };
    throw err;
  }
}

/** A human reason for a refused token. */
export function reasonOf(err: InstanceType<typeof errors.JOSEError>): string {
  if (err instanceof errors.JWTExpired) return "token expired";
  if (err instanceof errors.JWSSignatureVerificationFailed) return "bad signature";
  if (err instanceof errors.JOSEAlgNotAllowed) return "algorithm not allowed (only EdDSA)";
  if (err instanceof errors.JWKSNoMatchingKey) return "unknown signing key";
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "iss") return "wrong issuer";
    if (err.claim === "aud") return "wrong audience";
    if (err.claim === "nbf") return "token not yet valid";
    if (err.claim === "iat") return "token issued in the future";
    if (err.reason === "missing") return `missing ${err.claim} claim`;
    return `invalid ${err.claim} claim`;
  }
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid || err instanceof errors.JOSENotSupported) {
    return "malformed token";
  }
  return "invalid token";
}
