import { create, toJson } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { BorrowBookResponse, ListLoansResponse } from "@lms/gen/library/book/v1/book_pb";
import { BorrowBookResponseSchema, ListLoansResponseSchema, LoanSchema } from "@lms/gen/library/book/v1/book_pb";
import { describe, expect, it } from "vitest";
import { emitUnpopulated } from "./emit-unpopulated.js";

const borrowJson = (msg: BorrowBookResponse) =>
  emitUnpopulated(BorrowBookResponseSchema, toJson(BorrowBookResponseSchema, msg, { alwaysEmitImplicit: true }));
const loansJson = (msg: ListLoansResponse) =>
  emitUnpopulated(ListLoansResponseSchema, toJson(ListLoansResponseSchema, msg, { alwaysEmitImplicit: true }));

describe("emitUnpopulated", () => {
  it("writes null for an unset message field, nested included, and keeps set ones", () => {
    const open = create(LoanSchema, { id: "l1", borrowedAt: timestampFromDate(new Date("2026-01-02T03:04:05Z")) });
    const out = borrowJson(create(BorrowBookResponseSchema, { loan: open, availableCopies: 0 }));
    expect(out).toEqual({
      loan: {
        id: "l1",
        bookId: "",
        userId: "",
        borrowedAt: "2026-01-02T03:04:05Z",
        dueAt: null,
        returnedAt: null,
        copyId: "",
        barcode: "",
        renewalCount: 0,
      },
      availableCopies: 0,
    });
  });

  it("writes null for an unset top-level message and walks lists of messages", () => {
    expect(borrowJson(create(BorrowBookResponseSchema))).toEqual({ loan: null, availableCopies: 0 });
    const list = loansJson(create(ListLoansResponseSchema, { loans: [create(LoanSchema, { id: "a" })] }));
    expect(list).toMatchObject({ loans: [{ id: "a", returnedAt: null }], nextPageToken: "", totalSize: 0 });
  });
});
