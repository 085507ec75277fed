import { randomUUID } from "node:crypto";
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from "jose";
import type { RoleName } from "../auth/principal.js";
import { createTokenVerifier, type TokenVerifier } from "../auth/token-verifier.js";

/** Signs access tokens the way the auth service does, for suites that run a service without it. */
export interface TestIssuer {
  verifier: TokenVerifier;
  /** A valid token for a new user of `role` (or the given user id). */
  token(role: RoleName, userId?: string, opts?: { expiresIn?: string; issuer?: string }): Promise<string>;
}

/** A throwaway Ed25519 key with a verifier that trusts only it. */
export async function createTestIssuer(issuer = "library-auth", audience = "library"): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "EdDSA" };
  const verifier = createTokenVerifier(createLocalJWKSet({ keys: [jwk] }), issuer, audience);
  return {
    verifier,
    token(role, userId = randomUUID(), opts = {}) {
      return new SignJWT({ email: `${userId.slice(0, 8)}@example.test`, role })
        .setProtectedHeader({ alg: "EdDSA", kid: "test-key", typ: "JWT" })
        .setSubject(userId)
        .setIssuer(opts.issuer ?? issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setJti(randomUUID())
        .setExpirationTime(opts.expiresIn ?? "15m")
        .sign(privateKey);
    },
  };
}
