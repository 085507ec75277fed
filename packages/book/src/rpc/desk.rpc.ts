import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { type BookService, CheckInResponseSchema, CheckOutResponseSchema } from "@lms/gen/library/book/v1/book_pb";
import { inIdempotentTransaction } from "@lms/platform";
import type pg from "pg";
import { requireBarcode } from "../domain/copy.js";
import * as desk from "../domain/desk.service.js";
import { checkCheckOut, findPatron } from "../domain/desk-scan.js";
import type { Lending } from "../domain/loan.service.js";
import type { PatronLookup } from "../domain/patron-cache.js";
import { loanToProto } from "./book.rpc.js";
import { copyToProto } from "./copy.rpc.js";

/** The circulation desk's methods of BookService (DESIGN.md §8), mounted beside the book methods. */
export type DeskMethods = "checkOut" | "checkIn";

/** CheckOut and CheckIn by barcode: part of the one BookService implementation, both under Idempotency-Key. */
export function createDeskRpc(
  pool: pg.Pool,
  deps: { patrons: PatronLookup; lending: Lending },
): Pick<ServiceImpl<typeof BookService>, DeskMethods> {
  return {
    async checkOut(req, ctx) {
      const scan = checkCheckOut(req);
      // Asked of the auth service before the transaction, so no connection waits on the network.
      const borrower = await findPatron(deps.patrons, scan.patron);
      return inIdempotentTransaction(pool, ctx, req, async (tx) =>
        create(CheckOutResponseSchema, { loan: loanToProto(await desk.checkOut(tx, deps.lending, borrower, scan.barcode)) }),
      );
    },
    async checkIn(req, ctx) {
      const barcode = requireBarcode("barcode", req.barcode);
      return inIdempotentTransaction(pool, ctx, req, async (tx) => {
        const { loan, copy } = await desk.checkIn(tx, barcode);
        return create(CheckInResponseSchema, { loan: loanToProto(loan), copy: copyToProto(copy) });
      });
    },
  };
}
