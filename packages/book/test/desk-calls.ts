import { create } from "@bufbuild/protobuf";
import { BookService, CheckInRequestSchema, CheckOutRequestSchema } from "@lms/gen/library/book/v1/book_pb";
import type pg from "pg";
import type { Lending } from "../src/domain/loan.service.js";
import { createPatronLookup } from "../src/domain/patron-cache.js";
import { createDeskRpc } from "../src/rpc/desk.rpc.js";
import { caller } from "./circulation-db.js";
import { FakePatrons } from "./fake-directories.js";
import { type Ended, ended, keyedContext } from "./idempotent-calls.js";

/** A loan as the desk's answers carry it. */
export interface LoanAnswer {
  id: string;
  userId: string;
  bookId: string;
  copyId: string;
  barcode: string;
  renewalCount: number;
}

/** The answer of a call that must have succeeded. */
export function answerOf<T>(e: Ended): T {
  if (!e.ok) throw new Error(`refused: ${e.code} ${e.reason} ${e.message}`);
  return e.message as T;
}

/** The loan of a successful CheckOut or CheckIn (undefined for a refusal). */
export function loanOf(e: Ended): LoanAnswer | undefined {
  return e.ok ? (e.message as { loan: LoanAnswer }).loan : undefined;
}

/**
 * CheckOut and CheckIn through the book service's own desk handlers, called by a librarian as
 * both faces call them, with patrons from an in-memory auth service (`patrons`: issue cards there).
 */
export function createDeskCalls(pool: pg.Pool, lending: Lending) {
  const patrons = new FakePatrons();
  const rpc = createDeskRpc(pool, { patrons: createPatronLookup(patrons, 0), lending });
  const librarian = caller("ROLE_LIBRARIAN");
  return {
    patrons,
    checkOut(barcode: string, patron: string, key?: string): Promise<Ended> {
      const ctx = keyedContext(BookService.method.checkOut, librarian, key);
      return ended(ctx, () => rpc.checkOut(create(CheckOutRequestSchema, { barcode, patron }), ctx));
    },
    checkIn(barcode: string, key?: string): Promise<Ended> {
      const ctx = keyedContext(BookService.method.checkIn, librarian, key);
      return ended(ctx, () => rpc.checkIn(create(CheckInRequestSchema, { barcode }), ctx));
    },
  };
}

/** The barcodes of a book's copies, in barcode order. */
export async function barcodesOf(pool: pg.Pool, bookId: string): Promise<string[]> {
  const { rows } = await pool.query<{ barcode: string }>("select barcode from copies where book_id = $1 order by barcode", [bookId]);
  return rows.map((r) => r.barcode);
}
