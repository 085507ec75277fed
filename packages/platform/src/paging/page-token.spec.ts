import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema } from "@lms/gen/google/rpc/error_details_pb";
import { describe, expect, it } from "vitest";
import { decodePageToken, encodePageToken, pageSizeOf } from "./page-token.js";

/** The code and the field named by the BadRequest of what `fn` throws. */
function refusal(fn: () => unknown): { code: Code; field: string | undefined } {
  try {
    fn();
  } catch (err) {
    const ce = ConnectError.from(err);
    return { code: ce.code, field: ce.findDetails(BadRequestSchema)[0]?.fieldViolations[0]?.field };
  }
  throw new Error("expected a refusal");
}

describe("pageSizeOf", () => {
  it("gives the default for 0 (unset)", () => {
    expect(pageSizeOf(0)).toBe(20);
    expect(pageSizeOf(0, 10, 50)).toBe(10);
  });

  it.each([1, 20, 100])("accepts %i", (size) => {
    expect(pageSizeOf(size)).toBe(size);
  });

  it.each([101, -1, 2.5])("refuses %d as INVALID_ARGUMENT naming pageSize", (size) => {
    expect(refusal(() => pageSizeOf(size))).toEqual({ code: Code.InvalidArgument, field: "pageSize" });
  });

  it("applies a custom bound and field name", () => {
    expect(pageSizeOf(50, 10, 50, "limit")).toBe(50);
    expect(refusal(() => pageSizeOf(51, 10, 50, "limit"))).toEqual({ code: Code.InvalidArgument, field: "limit" });
  });
});

describe("page tokens", () => {
  const filter = JSON.stringify({ q: "tolkien", order: "title" });

  it("round-trips a cursor for the same filter", () => {
    const token = encodePageToken(["The Hobbit", 1937, "3f1c"], filter);
    expect(decodePageToken(token, filter)).toEqual(["The Hobbit", 1937, "3f1c"]);
  });

  it("is opaque and URL-safe", () => {
    expect(encodePageToken(["a/b+c?"], filter)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("treats an empty token as the first page", () => {
    expect(decodePageToken("", filter)).toBeUndefined();
  });

  it("refuses a token made for another filter as INVALID_ARGUMENT naming pageToken", () => {
    const token = encodePageToken(["x"], filter);
    expect(refusal(() => decodePageToken(token, "other"))).toEqual({ code: Code.InvalidArgument, field: "pageToken" });
  });

  it.each([
    ["garbage", "%%%not-a-token"],
    ["base64 of non-JSON", Buffer.from("hello").toString("base64url")],
    ["a cursor that is not a list", Buffer.from(JSON.stringify({ c: "x", f: "" })).toString("base64url")],
    ["a cursor holding objects", Buffer.from(JSON.stringify({ c: [{}], f: "" })).toString("base64url")],
  ])("refuses %s as INVALID_ARGUMENT", (_what, token) => {
    expect(refusal(() => decodePageToken(token, ""))).toEqual({ code: Code.InvalidArgument, field: "pageToken" });
  });

  it("names a custom field", () => {
    expect(refusal(() => decodePageToken("junk", "", "cursor")).field).toBe("cursor");
  });
});
