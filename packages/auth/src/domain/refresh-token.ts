import { createHash, randomBytes } from "node:crypto";

/** A stored refresh token as the domain sees it (the token itself is never stored). */
export interface RefreshTokenRecord {
  id: string;
  familyId: string;
  userId: string;
  expiresAt: Date;
  usedAt: Date | undefined;
  revokedAt: Date | undefined;
}

/** A new opaque refresh token: 32 random bytes, base64url (43 characters). */
export function newRefreshToken(): string {
  return randomBytes(32).toString("base64url");
}

/** The SHA-256 of a refresh token, the only form the database keeps. */
export function hashRefreshToken(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** Why a presented refresh token cannot be exchanged, or "usable". */
export type RefreshTokenState = "unknown" | "revoked" | "expired" | "reused" | "usable";

/** The state of a presented token; a used one is "reused" even when expired, so its login gets revoked. */
export function refreshTokenState(record: RefreshTokenRecord | undefined, now: Date): RefreshTokenState {
  if (!record) return "unknown";
  if (record.revokedAt) return "revoked";
  if (record.usedAt) return "reused";
  if (record.expiresAt.getTime() <= now.getTime()) return "expired";
  return "usable";
}
