import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema } from "@lms/gen/google/rpc/error_details_pb";
import { describe, expect, it } from "vitest";
import { checkPolicy, checkPolicyKey, type LoanPolicy, type PolicyInput, resolvePolicy, snapshotOf } from "./loan-policy.js";

const terms = { loanable: true, loanDays: 14, maxRenewals: 2, maxLoans: 5 };
const row = (patronGroup: string, loanType: string, loanDays: number): LoanPolicy => ({ ...terms, patronGroup, loanType, loanDays });
const FALLBACK = row("*", "*", 99);

/** The field names of the INVALID_ARGUMENT `run` throws, in order. */
function violations(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.InvalidArgument);
    return (err as ConnectError).findDetails(BadRequestSchema).flatMap((d) => d.fieldViolations.map((v) => v.field));
  }
  return [];
}

describe("resolvePolicy", () => {
  const all = snapshotOf([row("*", "*", 1), row("*", "dvd", 2), row("student", "*", 3), row("student", "dvd", 4)]);
  const dayOf = (rows: ReturnType<typeof snapshotOf>, group: string, type: string) => resolvePolicy(rows, group, type, FALLBACK).loanDays;

  it("takes the exact pair, then (group, *), then (*, type), then (*, *)", () => {
    expect(dayOf(all, "student", "dvd")).toBe(4);
    expect(dayOf(all, "student", "book")).toBe(3);
    expect(dayOf(all, "staff", "dvd")).toBe(2);
    expect(dayOf(all, "staff", "book")).toBe(1);
  });

  it("prefers (group, *) over (*, type) when both match", () => {
    const both = snapshotOf([row("*", "*", 1), row("*", "dvd", 2), row("student", "*", 3)]);
    expect(dayOf(both, "student", "dvd")).toBe(3);
  });

  it("returns the matching row itself, so its keys say which one applied", () => {
    expect(resolvePolicy(all, "staff", "dvd", FALLBACK)).toEqual(row("*", "dvd", 2));
  });

  it("matches names case-insensitively (keys are stored lower-cased)", () => {
    expect(dayOf(all, "Student", "DVD")).toBe(4);
  });

  it("falls back to the start-up default only when the (*, *) row is missing", () => {
    expect(dayOf(snapshotOf([row("student", "*", 3)]), "staff", "book")).toBe(99);
    expect(dayOf(snapshotOf([]), "student", "book")).toBe(99);
  });

  it("gives frozen rows: a caller cannot change the snapshot others resolve against", () => {
    const found = resolvePolicy(all, "student", "dvd", FALLBACK);
    expect(Object.isFrozen(found)).toBe(true);
  });
});

describe("checkPolicy", () => {
  const valid: PolicyInput = { patronGroup: " Student ", loanType: "*", ...terms };

  it("lower-cases and trims the keys and keeps the terms", () => {
    expect(checkPolicy(valid)).toEqual({ patronGroup: "student", loanType: "*", ...terms });
  });

  it("accepts false and the lower and upper bounds", () => {
    const low = { ...valid, loanable: false, loanDays: 0, maxRenewals: 0, maxLoans: 0 };
    expect(checkPolicy(low)).toMatchObject({ loanable: false, loanDays: 0, maxRenewals: 0, maxLoans: 0 });
    expect(checkPolicy({ ...valid, loanDays: 365, maxRenewals: 99, maxLoans: 1000, loanType: "a".repeat(32) })).toBeDefined();
  });

  it("names every invalid field at once", () => {
    const bad = { patronGroup: "no spaces", loanType: "x".repeat(33), loanable: true, loanDays: 366, maxRenewals: -1, maxLoans: 1001 };
    expect(violations(() => checkPolicy(bad))).toEqual(["patronGroup", "loanType", "loanDays", "maxRenewals", "maxLoans"]);
  });

  it("refuses missing terms rather than reading them as false or 0", () => {
    expect(violations(() => checkPolicy({ patronGroup: "", loanType: "dvd" }))).toEqual([
      "patronGroup",
      "loanable",
      "loanDays",
      "maxRenewals",
      "maxLoans",
    ]);
  });

  it("refuses a fractional number", () => {
    expect(violations(() => checkPolicy({ ...valid, loanDays: 1.5 }))).toEqual(["loanDays"]);
  });
});

describe("checkPolicyKey", () => {
  it('accepts "*" and names, and names both bad keys at once', () => {
    expect(checkPolicyKey({ patronGroup: "*", loanType: "Reference_1" })).toEqual({ patronGroup: "*", loanType: "reference_1" });
    expect(violations(() => checkPolicyKey({ patronGroup: "**", loanType: "a/b" }))).toEqual(["patronGroup", "loanType"]);
  });
});
