import type { Executor } from "@lms/platform";
import type { JWK } from "jose";

/** A signing key pair as stored. */
export interface StoredSigningKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
  createdAt: Date;
}

interface SigningKeyRow {
  kid: string;
  private_jwk: JWK;
  public_jwk: JWK;
  created_at: Date;
}

function rowToKey(row: SigningKeyRow): StoredSigningKey {
  return { kid: row.kid, privateJwk: row.private_jwk, publicJwk: row.public_jwk, createdAt: row.created_at };
}

/** Serialises key creation among replicas until the transaction ends. */
export async function lockSigningKeys(db: Executor): Promise<void> {
  await db.query("select pg_advisory_xact_lock(hashtextextended('auth:signing_keys', 0))");
}

/** Every key not retired, newest first. */
export async function listActiveSigningKeys(db: Executor): Promise<StoredSigningKey[]> {
  const { rows } = await db.query<SigningKeyRow>(
    "select kid, private_jwk, public_jwk, created_at from signing_keys where retired_at is null order by created_at desc, kid",
  );
  return rows.map(rowToKey);
}

/** Stores a new key pair (a kid already present is left as it is). */
export async function insertSigningKey(db: Executor, key: { kid: string; privateJwk: JWK; publicJwk: JWK }): Promise<void> {
  await db.query("insert into signing_keys (kid, private_jwk, public_jwk) values ($1, $2, $3) on conflict (kid) do nothing", [
    key.kid,
    JSON.stringify(key.privateJwk),
    JSON.stringify(key.publicJwk),
  ]);
}
