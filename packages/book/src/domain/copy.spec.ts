import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema } from "@lms/gen/google/rpc/error_details_pb";
import { describe, expect, it } from "vitest";
import { countsInTotal, MAX_COPIES_PER_CALL, requireBarcode, settableStatus, validateNewCopies } from "./copy.js";

/** The fields a refused call names, or undefined when it was not refused. */
function violations(call: () => unknown): string[] | undefined {
  try {
    call();
  } catch (err) {
    const e = ConnectError.from(err);
    expect(e.code).toBe(Code.InvalidArgument);
    return e.findDetails(BadRequestSchema).flatMap((d) => d.fieldViolations.map((v) => v.field));
  }
  return undefined;
}

describe("barcodes", () => {
  it.each(["C00000000001", "a", "ABC-123-xyz", "9".repeat(32), "-"])("accepts %s as given", (barcode) => {
    expect(requireBarcode("barcode", barcode)).toBe(barcode);
  });

  it.each(["", "9".repeat(33), "A B", "A_B", "Ä1", "A\u0000", " C1", "C1\n", "ＡＢ"])("refuses %j, naming the field", (barcode) => {
    expect(violations(() => requireBarcode("barcode", barcode))).toEqual(["barcode"]);
  });
});

describe("validateNewCopies", () => {
  it("takes a count of 1..1000, or barcodes in their order", () => {
    expect(validateNewCopies([], 1)).toEqual({ count: 1 });
    expect(validateNewCopies([], MAX_COPIES_PER_CALL)).toEqual({ count: MAX_COPIES_PER_CALL });
    expect(validateNewCopies(["b-2", "A1"], 0)).toEqual({ barcodes: ["b-2", "A1"] });
  });

  it("refuses neither, both, and a count out of range", () => {
    expect(violations(() => validateNewCopies([], 0))).toEqual(["count"]);
    expect(violations(() => validateNewCopies(["A1"], 2))).toEqual(["count"]);
    expect(violations(() => validateNewCopies([], -1))).toEqual(["count"]);
    expect(violations(() => validateNewCopies([], MAX_COPIES_PER_CALL + 1))).toEqual(["count"]);
  });

  it("names every bad barcode and every repeat (ignoring case) at once", () => {
    expect(violations(() => validateNewCopies(["ok-1", "bad one", "OK-1", "x", "X", ""], 0))).toEqual([
      "barcodes[1]",
      "barcodes[2]",
      "barcodes[4]",
      "barcodes[5]",
    ]);
    expect(
      violations(() =>
        validateNewCopies(
          Array.from({ length: MAX_COPIES_PER_CALL + 1 }, (_, i) => `B${i}`),
          0,
        ),
      ),
    ).toEqual(["barcodes"]);
  });
});

describe("copy statuses", () => {
  it("counts available and on-loan copies in a book's total, not lost or withdrawn ones", () => {
    expect(["available", "on_loan", "lost", "withdrawn"].map((s) => countsInTotal(s as never))).toEqual([true, true, false, false]);
  });

  it("lets UpdateCopy set available, lost and withdrawn, never on loan", () => {
    expect(["available", "lost", "withdrawn", "on_loan", undefined].map((s) => settableStatus(s as never))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
