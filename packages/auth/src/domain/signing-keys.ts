import { inTransaction } from "@lms/platform";
import {
  type CryptoKey,
  calculateJwkThumbprint,
  createLocalJWKSet,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
} from "jose";
import type pg from "pg";
import * as repo from "../store/signing-key.repository.js";

/** A published public key (JWKS entry). */
export type PublicJwk = JWK & { kid: string; alg: "EdDSA"; use: "sig" };

/** The service's Ed25519 keys, shared by every replica through the database. */
export interface SigningKeys {
  /** The key new access tokens are signed with (the newest active one). */
  signing: { kid: string; privateKey: CryptoKey };
  /** jose key lookup over every non-retired public key; re-reads the database on an unknown kid. */
  getKey: JWTVerifyGetKey;
  /** The JWKS document served at /.well-known/jwks.json (public parts only). */
  jwks(): { keys: PublicJwk[] };
}

// An unknown kid makes the keys be re-read at most this often (another replica may have added one).
const RELOAD_COOLDOWN_MS = 30_000;

/**
 * Loads the active keys, creating the first one when there is none. Replicas starting together
 * take an advisory lock, so exactly one key is created and every replica signs with it.
 */
export async function loadSigningKeys(pool: pg.Pool): Promise<SigningKeys> {
  const stored = await loadOrCreate(pool);
  const newest = stored[0];
  const privateKey = (await importJWK(newest.privateJwk, "EdDSA")) as CryptoKey;
  let published = stored.map(toPublicJwk);
  let keySet = createLocalJWKSet({ keys: published });
  let reloadedAt = Date.now();
  const getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await keySet(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || Date.now() - reloadedAt < RELOAD_COOLDOWN_MS) throw err;
      reloadedAt = Date.now();
      published = (await repo.listActiveSigningKeys(pool).catch(() => stored)).map(toPublicJwk);
      keySet = createLocalJWKSet({ keys: published });
      return keySet(header, token);
    }
  };
  return { signing: { kid: newest.kid, privateKey }, getKey, jwks: () => ({ keys: published }) };
}

async function loadOrCreate(pool: pg.Pool): Promise<repo.StoredSigningKey[]> {
  return inTransaction(pool, async (tx) => {
    await repo.lockSigningKeys(tx);
    const existing = await repo.listActiveSigningKeys(tx);
    if (existing.length > 0) return existing;
    await repo.insertSigningKey(tx, await generateSigningKey());
    return repo.listActiveSigningKeys(tx);
  });
}

/** A new Ed25519 key pair as JWKs; the kid is the public key's RFC 7638 thumbprint. */
export async function generateSigningKey(): Promise<{ kid: string; privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, privateJwk: { ...(await exportJWK(privateKey)), kid }, publicJwk: { ...publicJwk, kid } };
}

/** The public, publishable form of a stored key: never the private `d`. */
export function toPublicJwk(key: { kid: string; publicJwk: JWK }): PublicJwk {
  const { kty, crv, x } = key.publicJwk;
  return { kty, crv, x, kid: key.kid, alg: "EdDSA", use: "sig" };
}
