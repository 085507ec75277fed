import { describe, expect, it } from "vitest";
import { hashRefreshToken, newRefreshToken, type RefreshTokenRecord, refreshTokenState } from "./refresh-token.js";

const now = new Date("2030-01-01T00:00:00Z");
const record = (patch: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord => ({
  id: "t",
  familyId: "f",
  userId: "u",
  expiresAt: new Date("2030-01-02T00:00:00Z"),
  usedAt: undefined,
  revokedAt: undefined,
  ...patch,
});

describe("refresh tokens", () => {
  it("are 32 random bytes in base64url", () => {
    const a = newRefreshToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, "base64url")).toHaveLength(32);
    expect(newRefreshToken()).not.toBe(a);
  });

  it("are stored as their SHA-256", () => {
    const hash = hashRefreshToken("abc");
    expect(hash.toString("hex")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(hashRefreshToken("abc").equals(hash)).toBe(true);
    expect(hashRefreshToken("abd").equals(hash)).toBe(false);
  });

  it("are usable only when known, unused, unrevoked and unexpired", () => {
    expect(refreshTokenState(record(), now)).toBe("usable");
    expect(refreshTokenState(undefined, now)).toBe("unknown");
    expect(refreshTokenState(record({ revokedAt: now, usedAt: now }), now)).toBe("revoked");
    expect(refreshTokenState(record({ usedAt: now }), now)).toBe("reused");
    expect(refreshTokenState(record({ expiresAt: now }), now)).toBe("expired");
  });

  it("count a used token as reused even after it expired, so its login is revoked", () => {
    expect(refreshTokenState(record({ usedAt: now, expiresAt: new Date(0) }), now)).toBe("reused");
  });
});
