import { parseOptions } from "@node-rs/argon2";
import { describe, expect, it } from "vitest";
import { createPasswordHasher } from "./password-hasher.js";

describe("password hasher", () => {
  it("hashes with argon2id and the given cost, and verifies", async () => {
    const hasher = await createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
    const hash = await hasher.hash("correct horse");
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(parseOptions(hash)).toMatchObject({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
    expect(await hasher.verify(hash, "correct horse")).toBe(true);
    expect(await hasher.verify(hash, "wrong horse")).toBe(false);
  });

  it("answers false for an unreadable hash and for the dummy check", async () => {
    const hasher = await createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
    expect(await hasher.verify("not-a-hash", "x")).toBe(false);
    expect(await hasher.verifyNothing("anything")).toBe(false);
  });
});
