import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { etagOf, ifNoneMatchHits, isEtagMismatch, requireIfMatch } from "./etag.js";

describe("etag", () => {
  const tag = etagOf("a1", "1700000000123456");

  it("is a quoted strong tag that changes with any part", () => {
    expect(tag).toMatch(/^"[\w-]{27}"$/);
    expect(etagOf("a1", "1700000000123457")).not.toBe(tag);
    expect(etagOf("a2", "1700000000123456")).not.toBe(tag);
    expect(etagOf("a1", "1700000000123456", 2)).not.toBe(tag);
  });

  it("If-Match: absent, *, the tag or a list naming it pass; a weak or other tag is ETAG_MISMATCH", () => {
    for (const ok of [undefined, null, "*", tag, `"x", ${tag}`]) expect(() => requireIfMatch(ok, tag, "author a1")).not.toThrow();
    for (const bad of [`W/${tag}`, '"other"', ""]) {
      let caught: unknown;
      try {
        requireIfMatch(bad, tag, "author a1");
      } catch (err) {
        caught = err;
      }
      const err = ConnectError.from(caught);
      expect(err.code).toBe(Code.Aborted);
      expect(isEtagMismatch(err)).toBe(true);
    }
  });

  it("If-None-Match compares weakly and takes *", () => {
    expect(ifNoneMatchHits(`W/${tag}`, tag)).toBe(true);
    expect(ifNoneMatchHits("*", tag)).toBe(true);
    expect(ifNoneMatchHits('"other"', tag)).toBe(false);
    expect(ifNoneMatchHits(undefined, tag)).toBe(false);
  });
});
