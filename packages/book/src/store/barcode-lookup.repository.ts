import type { Executor } from "@lms/platform";
import type { Copy } from "../domain/copy.js";
import type { Loan } from "../domain/loan.js";
import { rowToCopy } from "./copies.repository.js";
import { LOAN_COLUMNS, type LoanRow, rowToLoan } from "./loan.repository.js";

/** The copy's columns, renamed so they cannot clash with the loan's. */
interface ItemColumns {
  item_id: string;
  item_book_id: string;
  item_barcode: string;
  item_status: Copy["status"];
  item_created_at: Date;
  item_updated_at: Date;
  item_version: string;
}

/**
 * The copy with this barcode (case-insensitively) and its open loan, if any, read in one
 * statement so both come from one snapshot: a copy on loan always comes with its loan.
 */
export async function findCopyByBarcode(db: Executor, barcode: string): Promise<{ copy: Copy; openLoan: Loan | undefined } | undefined> {
  const { rows } = await db.query<ItemColumns & Partial<LoanRow>>(
    `select c.id as item_id, c.book_id as item_book_id, c.barcode as item_barcode, c.status as item_status,
            c.created_at as item_created_at, c.updated_at as item_updated_at,
            (extract(epoch from c.updated_at) * 1000000)::bigint::text as item_version, open.*
       from copies c
       left join lateral (select ${LOAN_COLUMNS} from loans where loans.copy_id = c.id and loans.returned_at is null) open on true
      where upper(c.barcode) = upper($1)`,
    [barcode],
  );
  const row = rows[0];
  if (!row) return undefined;
  const copy = rowToCopy({
    id: row.item_id,
    book_id: row.item_book_id,
    barcode: row.item_barcode,
    status: row.item_status,
    created_at: row.item_created_at,
    updated_at: row.item_updated_at,
    version: row.item_version,
  });
  return { copy, openLoan: row.id ? rowToLoan(row as LoanRow) : undefined };
}
