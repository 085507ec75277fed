import type { Executor } from "@lms/platform";
import type { RefreshTokenRecord } from "../domain/refresh-token.js";

interface RefreshTokenRow {
  id: string;
  family_id: string;
  user_id: string;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = "id, family_id, user_id, expires_at, used_at, revoked_at";

function rowToRecord(row: RefreshTokenRow): RefreshTokenRecord {
  return {
    id: row.id,
    familyId: row.family_id,
    userId: row.user_id,
    expiresAt: row.expires_at,
    usedAt: row.used_at ?? undefined,
    revokedAt: row.revoked_at ?? undefined,
  };
}

/** Stores the hash of a new refresh token of `familyId`, valid for `ttlSeconds` from now (database clock). */
export async function insertRefreshToken(
  db: Executor,
  t: { familyId: string; userId: string; tokenHash: Buffer; ttlSeconds: number },
): Promise<void> {
  await db.query(
    `insert into refresh_tokens (family_id, user_id, token_hash, expires_at)
     values ($1, $2, $3, now() + make_interval(secs => $4))`,
    [t.familyId, t.userId, t.tokenHash, t.ttlSeconds],
  );
}

/** The token with this hash, or undefined (no lock). */
export async function findRefreshToken(db: Executor, tokenHash: Buffer): Promise<RefreshTokenRecord | undefined> {
  const { rows } = await db.query<RefreshTokenRow>(`select ${COLUMNS} from refresh_tokens where token_hash = $1`, [tokenHash]);
  return rows[0] && rowToRecord(rows[0]);
}

/**
 * The token with this hash, locked for the rest of the transaction: a concurrent exchange of
 * the same token waits, then sees it used. Undefined when absent.
 */
export async function lockRefreshToken(db: Executor, tokenHash: Buffer): Promise<RefreshTokenRecord | undefined> {
  const { rows } = await db.query<RefreshTokenRow>(`select ${COLUMNS} from refresh_tokens where token_hash = $1 for update`, [tokenHash]);
  return rows[0] && rowToRecord(rows[0]);
}

/** Marks a token used (it can never be exchanged again). */
export async function markRefreshTokenUsed(db: Executor, id: string): Promise<void> {
  await db.query("update refresh_tokens set used_at = now() where id = $1", [id]);
}

/** Revokes every not yet revoked token of a login. */
export async function revokeFamily(db: Executor, familyId: string): Promise<void> {
  await db.query("update refresh_tokens set revoked_at = now() where family_id = $1 and revoked_at is null", [familyId]);
}
