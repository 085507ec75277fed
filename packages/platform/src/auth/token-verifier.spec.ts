import { Code, ConnectError } from "@connectrpc/connect";
import { createLocalJWKSet, errors, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { IAT_CLOCK_TOLERANCE_SECONDS } from "./token-claims.js";
import { createTokenVerifier, type TokenVerifier, withVerifiedTokenCache } from "./token-verifier.js";

type Key = Awaited<ReturnType<typeof generateKeyPair>>;

let trusted: Key;
let stranger: Key;
let verifier: TokenVerifier;

beforeAll(async () => {
  trusted = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  stranger = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  const jwk = { ...(await exportJWK(trusted.publicKey)), kid: "k1", alg: "EdDSA" };
  verifier = createTokenVerifier(createLocalJWKSet({ keys: [jwk] }), "library-auth", "library");
});

const goodClaims = { sub: "u1", email: "u1@example.test", role: "ROLE_MEMBER" };

function sign(claims: JWTPayload, opts: { key?: Key; issuer?: string; audience?: string; expiresIn?: string } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "EdDSA", kid: "k1" })
    .setIssuer(opts.issuer ?? "library-auth")
    .setAudience(opts.audience ?? "library")
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? "15m")
    .sign((opts.key ?? trusted).privateKey);
}

async function refusal(verify: Promise<unknown>): Promise<ConnectError> {
  return verify.then(
    () => expect.unreachable("the token should be refused"),
    (e: unknown) => {
      expect(e).toBeInstanceOf(ConnectError);
      return e as ConnectError;
    },
  );
}

describe("createTokenVerifier", () => {
  it("turns a valid token into its principal and expiry", async () => {
    const principal = await verifier.verify(await sign(goodClaims));
    expect(principal).toMatchObject({ userId: "u1", email: "u1@example.test", role: "ROLE_MEMBER" });
    expect(principal.expiresAt.getTime()).toBeGreaterThan(Date.now());
  });

  it.each([
    ["audience", { audience: "someone-else" }],
    ["issuer", { issuer: "evil-auth" }],
  ])("refuses a token of another %s as UNAUTHENTICATED", async (_what, opts) => {
    expect((await refusal(verifier.verify(await sign(goodClaims, opts)))).code).toBe(Code.Unauthenticated);
  });

  it("refuses a token signed by another key", async () => {
    expect((await refusal(verifier.verify(await sign(goodClaims, { key: stranger })))).code).toBe(Code.Unauthenticated);
  });

  it("refuses an expired token", async () => {
    const err = await refusal(verifier.verify(await sign(goodClaims, { expiresIn: "-1m" })));
    expect(err.code).toBe(Code.Unauthenticated);
    expect(err.rawMessage).toBe("token expired");
  });

  it.each([
    ["an unknown role", { ...goodClaims, role: "ROLE_ROOT" }],
    ["no subject", { email: "x@example.test", role: "ROLE_MEMBER" }],
    ["no email", { sub: "u1", role: "ROLE_MEMBER" }],
  ])("refuses a signed token with %s", async (_what, claims) => {
    expect((await refusal(verifier.verify(await sign(claims)))).code).toBe(Code.Unauthenticated);
  });

  it("refuses a signed token without exp (it would be valid for ever)", async () => {
    const noExp = await new SignJWT(goodClaims)
      .setProtectedHeader({ alg: "EdDSA", kid: "k1" })
      .setIssuer("library-auth")
      .setAudience("library")
      .setIssuedAt()
      .sign(trusted.privateKey);
    const err = await refusal(verifier.verify(noExp));
    expect(err.code).toBe(Code.Unauthenticated);
    expect(err.rawMessage).toBe("invalid token: exp claim missing");
  });

  it(`refuses a token issued more than ${IAT_CLOCK_TOLERANCE_SECONDS} s in the future, accepts a few seconds of clock skew`, async () => {
    const issuedAt = (ahead: number) =>
      new SignJWT(goodClaims)
        .setProtectedHeader({ alg: "EdDSA", kid: "k1" })
        .setIssuer("library-auth")
        .setAudience("library")
        .setIssuedAt(Math.floor(Date.now() / 1000) + ahead)
        .setExpirationTime("1h")
        .sign(trusted.privateKey);
    const err = await refusal(verifier.verify(await issuedAt(IAT_CLOCK_TOLERANCE_SECONDS + 60)));
    expect(err.code).toBe(Code.Unauthenticated);
    expect(err.rawMessage).toBe("invalid token: iat claim refused");
    expect((await verifier.verify(await issuedAt(5))).userId).toBe("u1");
  });

  it("refuses garbage", async () => {
    expect((await refusal(verifier.verify("not.a.jwt"))).code).toBe(Code.Unauthenticated);
  });

  it.each([
    ["times out", new errors.JWKSTimeout()],
    ["cannot be fetched", new TypeError("fetch failed")],
  ])("answers UNAVAILABLE when the key set %s", async (_what, failure) => {
    const down = createTokenVerifier(
      async () => {
        throw failure;
      },
      "library-auth",
      "library",
    );
    expect((await refusal(down.verify(await sign(goodClaims)))).code).toBe(Code.Unavailable);
  });
});

describe("withVerifiedTokenCache", () => {
  /** A verifier that counts its calls and accepts any token but "bad"; "short" expires in 50 ms. */
  function countingVerifier() {
    const calls: string[] = [];
    const inner: TokenVerifier = {
      async verify(token) {
        calls.push(token);
        if (token === "bad") throw new ConnectError("invalid token", Code.Unauthenticated);
        const ttl = token === "short" ? 50 : 60_000;
        return { userId: token, email: `${token}@example.test`, role: "ROLE_MEMBER", expiresAt: new Date(Date.now() + ttl) };
      },
    };
    return { inner, calls };
  }

  it("checks a token once and answers again from memory while it is valid", async () => {
    const { inner, calls } = countingVerifier();
    const cached = withVerifiedTokenCache(inner);
    expect((await cached.verify("t1")).userId).toBe("t1");
    expect((await cached.verify("t1")).userId).toBe("t1");
    expect(calls).toEqual(["t1"]);
  });

  it("checks an expired token again (and so refuses it as the verifier does)", async () => {
    const { inner, calls } = countingVerifier();
    const cached = withVerifiedTokenCache(inner);
    await cached.verify("short");
    await new Promise((r) => setTimeout(r, 60));
    await cached.verify("short");
    expect(calls).toEqual(["short", "short"]);
  });

  it("never remembers a refusal", async () => {
    const { inner, calls } = countingVerifier();
    const cached = withVerifiedTokenCache(inner);
    expect((await refusal(cached.verify("bad"))).code).toBe(Code.Unauthenticated);
    expect((await refusal(cached.verify("bad"))).code).toBe(Code.Unauthenticated);
    expect(calls).toEqual(["bad", "bad"]);
  });

  it("keeps at most maxEntries tokens, forgetting the oldest", async () => {
    const { inner, calls } = countingVerifier();
    const cached = withVerifiedTokenCache(inner, 2);
    for (const t of ["a", "b", "c", "c", "b", "a"]) await cached.verify(t);
    expect(calls).toEqual(["a", "b", "c", "a"]);
  });

  it("hands out a principal no caller can change", async () => {
    const { inner } = countingVerifier();
    const cached = withVerifiedTokenCache(inner);
    const principal = await cached.verify("t1");
    expect(() => Object.assign(principal, { role: "ROLE_ADMIN" })).toThrow(TypeError);
    expect((await cached.verify("t1")).role).toBe("ROLE_MEMBER");
  });
});
