import { IAT_CLOCK_TOLERANCE_SECONDS } from "@lms/platform";
import { type CryptoKey, createLocalJWKSet, importJWK, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { type AccessTokenSettings, inspectAccessToken, signAccessToken } from "./access-token.js";
import { generateSigningKey, toPublicJwk } from "./signing-keys.js";
import type { User } from "./user.js";

const settings: AccessTokenSettings = { issuer: "library-auth", audience: "library", ttlSeconds: 900 };
const user: User = {
  id: "0b7f3c1e-5b8a-4d0e-9a51-3c2d1e0f9a77",
  email: "ada@x.org",
  name: "Ada",
  role: "ROLE_LIBRARIAN",
  createdAt: new Date(),
  patronGroup: "default",
  cardNumber: "1000000008",
  version: "1",
};
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");

describe("access tokens", () => {
  let key: { kid: string; privateKey: CryptoKey };
  let getKey: ReturnType<typeof createLocalJWKSet>;

  beforeAll(async () => {
    const generated = await generateSigningKey();
    key = { kid: generated.kid, privateKey: (await importJWK(generated.privateJwk, "EdDSA")) as CryptoKey };
    getKey = createLocalJWKSet({ keys: [toPublicJwk(generated)] });
  });

  it("carry the user's claims and verify", async () => {
    const token = await signAccessToken(key, user, settings);
    const header = JSON.parse(Buffer.from(token.split(".")[0], "base64url").toString());
    expect(header).toEqual({ alg: "EdDSA", kid: key.kid, typ: "JWT" });
    const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
    expect(claims).toMatchObject({ sub: user.id, email: user.email, role: "ROLE_LIBRARIAN", iss: "library-auth", aud: "library" });
    expect(claims.exp - claims.iat).toBe(900);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    const result = await inspectAccessToken(getKey, token, settings);
    expect(result).toMatchObject({ valid: true, userId: user.id, email: user.email, role: "ROLE_LIBRARIAN" });
  });

  it("say why a bad token is refused", async () => {
    const token = await signAccessToken(key, user, settings);
    const [h, p, s] = token.split(".");
    const flipped = `${s.slice(0, 10)}${s[10] === "A" ? "B" : "A"}${s.slice(11)}`;
    const cases: [string, string][] = [
      [`${h}.${p}.${flipped}`, "bad signature"],
      ["garbage", "malformed token"],
      [`${b64({ alg: "none", typ: "JWT" })}.${p}.`, "algorithm not allowed (only EdDSA)"],
      [await signAccessToken(key, user, { ...settings, ttlSeconds: -60 }), "token expired"],
      [await signAccessToken(key, user, { ...settings, issuer: "other" }), "wrong issuer"],
      [await signAccessToken(key, user, { ...settings, audience: "other" }), "wrong audience"],
      [await signAccessToken({ ...key, kid: "unknown" }, user, settings), "unknown signing key"],
    ];
    for (const [bad, reason] of cases) {
      expect(await inspectAccessToken(getKey, bad, settings)).toEqual({ valid: false, reason });
    }
  });

  it("refuse a well-signed token without the user claims", async () => {
    const token = await new SignJWT({ role: "ROLE_GOD" })
      .setProtectedHeader({ alg: "EdDSA", kid: key.kid })
      .setSubject("x")
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setExpirationTime("5m")
      .sign(key.privateKey);
    expect(await inspectAccessToken(getKey, token, settings)).toEqual({ valid: false, reason: "missing or invalid claims" });
  });

  it("refuse a well-signed token without exp, or issued in the future (beyond the clock tolerance)", async () => {
    const signed = (edit: (jwt: SignJWT) => SignJWT) =>
      edit(
        new SignJWT({ email: user.email, role: user.role })
          .setProtectedHeader({ alg: "EdDSA", kid: key.kid })
          .setSubject(user.id)
          .setIssuer(settings.issuer)
          .setAudience(settings.audience),
      ).sign(key.privateKey);
    const now = Math.floor(Date.now() / 1000);
    const noExp = await signed((j) => j.setIssuedAt(now));
    const future = await signed((j) => j.setIssuedAt(now + IAT_CLOCK_TOLERANCE_SECONDS + 60).setExpirationTime(now + 3600));
    const skewed = await signed((j) => j.setIssuedAt(now + 5).setExpirationTime(now + 900));
    expect(await inspectAccessToken(getKey, noExp, settings)).toEqual({ valid: false, reason: "missing exp claim" });
    expect(await inspectAccessToken(getKey, future, settings)).toEqual({ valid: false, reason: "token issued in the future" });
    expect(await inspectAccessToken(getKey, skewed, settings)).toMatchObject({ valid: true });
  });
});
