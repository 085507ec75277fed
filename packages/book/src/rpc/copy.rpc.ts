import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  AddCopiesResponseSchema,
  type BookService,
  type Copy as CopyMessage,
  CopySchema,
  CopyStatus as CopyStatusMessage,
  ListCopiesResponseSchema,
  LookupBarcodeResponseSchema,
} from "@lms/gen/library/book/v1/book_pb";
import { ETAG_HEADER, IF_MATCH_HEADER, inTransaction } from "@lms/platform";
import type pg from "pg";
import { lookupBarcode } from "../domain/barcode-lookup.service.js";
import type { Copy, CopyStatus } from "../domain/copy.js";
import * as copies from "../domain/copy.service.js";
import type { CategoryDirectory } from "../domain/ports.js";
import { loanToProto, markDegraded, toProto } from "./book.rpc.js";

/** The copy methods of BookService (DESIGN.md §8), mounted beside the book methods. */
export type CopyMethods = "listCopies" | "addCopies" | "updateCopy" | "lookupBarcode";

const STATUS_TO_PROTO: Record<CopyStatus, CopyStatusMessage> = {
  available: CopyStatusMessage.AVAILABLE,
  on_loan: CopyStatusMessage.ON_LOAN,
  lost: CopyStatusMessage.LOST,
  withdrawn: CopyStatusMessage.WITHDRAWN,
};
const STATUS_FROM_PROTO = new Map(Object.entries(STATUS_TO_PROTO).map(([k, v]) => [v, k as CopyStatus]));

/** Domain copy → proto message (the one mapping at this border). */
export function copyToProto(c: Copy): CopyMessage {
  return create(CopySchema, {
    id: c.id,
    bookId: c.bookId,
    barcode: c.barcode,
    status: STATUS_TO_PROTO[c.status],
    createdAt: timestampFromDate(c.createdAt),
    updatedAt: timestampFromDate(c.updatedAt),
  });
}

/**
 * ListCopies, AddCopies, UpdateCopy and LookupBarcode: part of the one BookService implementation.
 * UpdateCopy answers the copy's ETag and honours If-Match; LookupBarcode carries none, as its
 * answer joins three resources (copy, book, open loan) that change apart.
 */
export function createCopyRpc(pool: pg.Pool, deps: { categories: CategoryDirectory }): Pick<ServiceImpl<typeof BookService>, CopyMethods> {
  return {
    async listCopies(req) {
      return create(ListCopiesResponseSchema, { copies: (await copies.listCopies(pool, req.bookId)).map(copyToProto) });
    },
    async addCopies(req) {
      const checked = copies.checkCopiesToAdd(req);
      const added = await inTransaction(pool, (tx) => copies.addCopies(tx, checked));
      return create(AddCopiesResponseSchema, { copies: added.map(copyToProto) });
    },
    async updateCopy(req, ctx) {
      const [status, ifMatch] = [STATUS_FROM_PROTO.get(req.status), ctx.requestHeader.get(IF_MATCH_HEADER)];
      const copy = await inTransaction(pool, (tx) => copies.updateCopy(tx, { id: req.id, status }, ifMatch));
      ctx.responseHeader.set(ETAG_HEADER, copies.copyEtag(copy));
      return copyToProto(copy);
    },
    async lookupBarcode(req, ctx) {
      const found = await lookupBarcode(pool, deps.categories, req.barcode);
      return create(LookupBarcodeResponseSchema, {
        copy: copyToProto(found.copy),
        book: toProto(markDegraded(ctx, found.book)),
        openLoan: found.openLoan && loanToProto(found.openLoan),
      });
    },
  };
}
