import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema } from "@lms/gen/google/rpc/error_details_pb";
import { describe, expect, it } from "vitest";
import { isCardNumber, luhnCheckDigit, validCardNumber, validPatronGroup } from "./patron-fields.js";

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

describe("validPatronGroup", () => {
  it.each([
    ["default", "default"],
    ["  Staff ", "staff"],
    ["under_18", "under_18"],
    ["ILL-partner", "ill-partner"],
    ["x".repeat(32), "x".repeat(32)],
  ])("accepts %j as %j", (given, group) => {
    expect(validPatronGroup(given)).toBe(group);
  });

  it.each([
    ["", "is required"],
    ["   ", "is required"],
    ["*", 'must not be "*" (in a loan policy it means any group)'],
    ["x".repeat(33), "must have at most 32 characters"],
    ["staff members", "may hold only letters a-z, digits, '_' and '-'"],
    ["élève", "may hold only letters a-z, digits, '_' and '-'"],
    // The Kelvin sign lower-cases to an ASCII k: refused before lower-casing.
    ["\u212Aids", "may hold only letters a-z, digits, '_' and '-'"],
    ["staff*", "may hold only letters a-z, digits, '_' and '-'"],
  ])("refuses %j naming patronGroup: %s", (given, description) => {
    expect(refusal(() => validPatronGroup(given))).toEqual({ code: Code.InvalidArgument, field: "patronGroup", description });
  });
});

describe("card numbers", () => {
  it("computes the Luhn check digit (the textbook example 7992739871 → 3)", () => {
    expect(luhnCheckDigit("7992739871")).toBe(3);
    expect(luhnCheckDigit("100000000")).toBe(8);
    expect(luhnCheckDigit("000000000")).toBe(0);
  });

  it("accepts 10 digits whose last is the check digit of the other nine", () => {
    expect(isCardNumber("1000000008")).toBe(true);
    expect(isCardNumber("1000000017")).toBe(false);
  });

  it("catches every single mistyped digit and every swap of two different neighbours", () => {
    const card = "1234567897";
    expect(isCardNumber(card)).toBe(true);
    for (let i = 0; i < 10; i++) {
      for (let d = 0; d <= 9; d++) {
        const typo = card.slice(0, i) + d + card.slice(i + 1);
        if (typo !== card) expect(isCardNumber(typo), typo).toBe(false);
      }
    }
    for (let i = 0; i < 9; i++) {
      if (card[i] === card[i + 1]) continue;
      const swapped = card.slice(0, i) + card[i + 1] + card[i] + card.slice(i + 2);
      // Luhn's one blind spot is 09 ↔ 90, absent from this card.
      expect(isCardNumber(swapped), swapped).toBe(false);
    }
  });

  it("validCardNumber trims, and names the field for a wrong shape or check digit", () => {
    expect(validCardNumber("cardNumbers[0]", " 1000000008\n")).toBe("1000000008");
    expect(refusal(() => validCardNumber("cardNumbers[1]", "100000000"))).toEqual({
      code: Code.InvalidArgument,
      field: "cardNumbers[1]",
      description: "must be a card number of 10 digits",
    });
    expect(refusal(() => validCardNumber("cardNumbers[2]", "1000000009")).description).toBe("has a wrong check digit (mistyped?)");
    expect(refusal(() => validCardNumber("patron", "１０００００００００８")).field).toBe("patron");
  });
});
