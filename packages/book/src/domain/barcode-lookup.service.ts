import { type Executor, notFound } from "@lms/platform";
import { findCopyByBarcode } from "../store/barcode-lookup.repository.js";
import type { Book } from "./book.js";
import { getBook } from "./book.service.js";
import type { MaybeDegraded } from "./book-categories.js";
import { type Copy, requireBarcode } from "./copy.js";
import type { Loan } from "./loan.js";
import type { CategoryDirectory } from "./ports.js";

/** What the desk sees when it scans a barcode. */
export interface ScannedCopy {
  copy: Copy;
  /** The copy's book with its category ids (degraded: from the recorded set, the category service away). */
  book: MaybeDegraded<Book>;
  /** undefined when the copy is not on loan. */
  openLoan: Loan | undefined;
}

/** The copy with this barcode (case-insensitively), its book and its open loan; NOT_FOUND when no copy has it. */
export async function lookupBarcode(db: Executor, categories: CategoryDirectory, barcode: string): Promise<ScannedCopy> {
  const found = await findCopyByBarcode(db, requireBarcode("barcode", barcode));
  if (!found) throw notFound("copy with barcode", barcode);
  return { copy: found.copy, book: await getBook(db, categories, found.copy.bookId), openLoan: found.openLoan };
}
