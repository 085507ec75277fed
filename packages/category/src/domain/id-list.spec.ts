import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { fingerprintOf, missingIds, sortedIds, uuidSetOf } from "./id-list.js";

const A = "aaaaaaaa-0000-4000-8000-000000000000";
const B = "bbbbbbbb-0000-4000-8000-000000000000";

describe("uuidSetOf", () => {
  it("lower-cases, de-duplicates and sorts", () => {
    expect(uuidSetOf("ids", [B, A.toUpperCase(), A, B], 10)).toEqual([A, B]);
  });

  it("names the offending entry", () => {
    const err = (() => {
      try {
        uuidSetOf("categoryIds", [A, "nope"], 10);
      } catch (e) {
        return e as ConnectError;
      }
      return undefined;
    })();
    expect(err?.code).toBe(Code.InvalidArgument);
    expect(err?.rawMessage).toMatch(/^categoryIds\[1\]:/);
  });

  it("refuses more ids than allowed, counting duplicates (the request is too big either way)", () => {
    expect(() => uuidSetOf("ids", [A, A, A], 2)).toThrow(ConnectError);
    expect(uuidSetOf("ids", [], 2)).toEqual([]);
  });
});

describe("missingIds", () => {
  it("keeps the wanted order and drops the found", () => {
    expect(missingIds([B, A], [A])).toEqual([B]);
    expect(missingIds([A], [A])).toEqual([]);
  });
});

describe("sortedIds and fingerprintOf", () => {
  it("sort without touching the input, and digest sets stably", () => {
    const input = [B, A];
    expect(sortedIds(input)).toEqual([A, B]);
    expect(input).toEqual([B, A]);
    expect(fingerprintOf([A, B])).toBe(fingerprintOf([A, B]));
    expect(fingerprintOf([A, B])).not.toBe(fingerprintOf([A]));
    expect(fingerprintOf([A, B])).toHaveLength(22);
  });
});
