import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema } from "@lms/gen/google/rpc/error_details_pb";
import { describe, expect, it } from "vitest";
import { checkCheckOut, luhnCheckDigit } from "./desk-scan.js";

const USER = "3f1e2d3c-0000-4000-8000-000000000001";

/** The fields a refused request names. */
function refusedFields(req: { barcode: string; patron: string }): string[] {
  try {
    checkCheckOut(req);
  } catch (err) {
    const e = ConnectError.from(err);
    expect(e.code).toBe(Code.InvalidArgument);
    return e.findDetails(BadRequestSchema)[0].fieldViolations.map((v) => v.field);
  }
  throw new Error("the request was accepted");
}

describe("checkCheckOut", () => {
  it("reads the patron as a user id or as a card number, the barcode as given", () => {
    expect(checkCheckOut({ barcode: "c-0001", patron: USER })).toEqual({ barcode: "c-0001", patron: { userId: USER } });
    expect(checkCheckOut({ barcode: "C00000000001", patron: " 1000000008 " })).toEqual({
      barcode: "C00000000001",
      patron: { cardNumber: "1000000008" },
    });
  });

  it("refuses a card number with a wrong check digit, or neither a UUID nor 10 digits", () => {
    for (const patron of ["1000000007", "12345", "", "not-a-user", "10000000080"]) {
      expect(refusedFields({ barcode: "C1", patron })).toEqual(["patron"]);
    }
  });

  it("names every invalid field at once", () => {
    expect(refusedFields({ barcode: "no spaces", patron: "" })).toEqual(["barcode", "patron"]);
    expect(refusedFields({ barcode: "", patron: USER })).toEqual(["barcode"]);
  });
});

describe("luhnCheckDigit", () => {
  it("gives the digit that makes the Luhn sum a multiple of ten", () => {
    expect(luhnCheckDigit("100000000")).toBe(8);
    expect(luhnCheckDigit("7992739871")).toBe(3); // 79927398713, the textbook example
  });
});
