import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema } from "@lms/gen/google/rpc/error_details_pb";
import { describe, expect, it } from "vitest";
import { optionalPastDate, optionalUuid, requireUuid, trimmedText } from "./fields.js";

/** Code, field and description of the refusal `fn` throws. */
function refusal(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    const ce = ConnectError.from(err);
    const violation = ce.findDetails(BadRequestSchema)[0]?.fieldViolations[0];
    return { code: ce.code, field: violation?.field, description: violation?.description };
  }
  throw new Error("expected a refusal");
}

const UUID = "0B6F3A52-3C1D-4F55-9A53-8F1E2C7D9A10";

describe("requireUuid", () => {
  it("accepts a UUID and lower-cases it", () => {
    expect(requireUuid("authorId", UUID)).toBe(UUID.toLowerCase());
  });

  it("refuses an empty value as required", () => {
    expect(refusal(() => requireUuid("authorId", ""))).toEqual({
      code: Code.InvalidArgument,
      field: "authorId",
      description: "is required",
    });
  });

  it.each(["42", `${UUID}0`, "0b6f3a52-3c1d-4f55-9a53-8f1e2c7d9a1g", ` ${UUID}`])("refuses %j naming the field", (value) => {
    expect(refusal(() => requireUuid("authorId", value))).toEqual({
      code: Code.InvalidArgument,
      field: "authorId",
      description: "must be a UUID",
    });
  });
});

describe("optionalUuid", () => {
  it("keeps '' as absent and still checks a given value", () => {
    expect(optionalUuid("parentId", "")).toBe("");
    expect(optionalUuid("parentId", UUID)).toBe(UUID.toLowerCase());
    expect(refusal(() => optionalUuid("parentId", "nope")).field).toBe("parentId");
  });
});

describe("trimmedText", () => {
  it("trims and accepts lengths at both bounds", () => {
    expect(trimmedText("name", "  Le Guin  ", 1, 200)).toBe("Le Guin");
    expect(trimmedText("name", "x", 1, 200)).toBe("x");
    expect(trimmedText("name", "x".repeat(200), 1, 200)).toHaveLength(200);
  });

  it("refuses blank text as required", () => {
    expect(refusal(() => trimmedText("name", "   ", 1, 200))).toMatchObject({ field: "name", description: "is required" });
  });

  it("refuses text over the maximum", () => {
    expect(refusal(() => trimmedText("name", "x".repeat(201), 1, 200))).toMatchObject({ code: Code.InvalidArgument, field: "name" });
  });

  it("refuses text under a minimum above 1, counting after trimming", () => {
    expect(refusal(() => trimmedText("password", " ab ", 3, 10)).description).toBe("must have at least 3 characters");
  });
});

describe("optionalPastDate", () => {
  const today = new Date("2025-06-15T12:00:00Z");

  it.each(["2024-02-29", "1900-01-01", "2025-06-15"])("accepts %s", (date) => {
    expect(optionalPastDate("birthDate", date, today)).toBe(date);
  });

  it("keeps '' (and blank) as unknown", () => {
    expect(optionalPastDate("birthDate", "", today)).toBe("");
    expect(optionalPastDate("birthDate", "  ", today)).toBe("");
  });

  it.each(["2023-02-29", "2024-13-01", "2024-04-31", "2024-2-1", "15/06/2020", "2020-06-15T00:00:00Z"])(
    "refuses %j as not a date",
    (value) => {
      expect(refusal(() => optionalPastDate("birthDate", value, today))).toEqual({
        code: Code.InvalidArgument,
        field: "birthDate",
        description: "must be a date YYYY-MM-DD",
      });
    },
  );

  it("refuses a date in the future", () => {
    expect(refusal(() => optionalPastDate("birthDate", "2025-06-16", today))).toMatchObject({
      field: "birthDate",
      description: "must not be in the future",
    });
    expect(refusal(() => optionalPastDate("birthDate", "2999-01-01")).description).toBe("must not be in the future");
  });
});
