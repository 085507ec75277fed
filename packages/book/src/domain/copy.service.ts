import {
  alreadyExists,
  type Executor,
  etagOf,
  failedPrecondition,
  invalidArgument,
  notFound,
  requireIfMatch,
  requireUuid,
  type Transaction,
} from "@lms/platform";
import * as books from "../store/book.repository.js";
import * as copies from "../store/copies.repository.js";
import type { Book } from "./book.js";
import { MAX_COPIES } from "./book-fields.js";
import { type Copy, type CopyStatus, countsInTotal, type NewCopies, settableStatus, validateNewCopies } from "./copy.js";

/** The ETag of this version of the copy (every change of a copy's status moves its `updated_at`). */
export function copyEtag(copy: Copy): string {
  return etagOf(copy.id, copy.version);
}

/** Every copy of a book, oldest first; NOT_FOUND for an unknown book. */
export async function listCopies(db: Executor, bookId: string): Promise<Copy[]> {
  const id = requireUuid("bookId", bookId);
  const found = await copies.listCopiesOfBook(db, id);
  if (found.length === 0 && !(await copies.bookExists(db, id))) throw notFound("book", id);
  return found;
}

/** A checked AddCopies request, made before its transaction. */
export interface CopiesToAdd {
  bookId: string;
  what: NewCopies;
}

/** Checks an AddCopies request, naming every invalid field at once. */
export function checkCopiesToAdd(req: { bookId: string; barcodes: readonly string[]; count: number }): CopiesToAdd {
  const bookId = requireUuid("bookId", req.bookId);
  return { bookId, what: validateNewCopies(req.barcodes, req.count) };
}

/**
 * Adds copies to a book in `tx`, on the shelf, with the counters: the given barcodes (any taken
 * → ALREADY_EXISTS, reason BARCODE_TAKEN, naming them as asked, and the caller's rollback adds
 * nothing) or generated ones.
 */
export async function addCopies(tx: Transaction, req: CopiesToAdd): Promise<Copy[]> {
  const book = await books.lockBook(tx, req.bookId);
  if (!book) throw notFound("book", req.bookId);
  const count = "count" in req.what ? req.what.count : req.what.barcodes.length;
  if (book.totalCopies + count > MAX_COPIES) {
    throw invalidArgument(
      "count" in req.what ? "count" : "barcodes",
      `the book would have ${book.totalCopies + count} copies; at most ${MAX_COPIES}`,
    );
  }
  const added =
    "count" in req.what ? await copies.insertGeneratedCopies(tx, book.id, count) : await addBarcoded(tx, book.id, req.what.barcodes);
  await copies.moveCounters(tx, book.id, added.length, added.length);
  return added;
}

async function addBarcoded(tx: Transaction, bookId: string, barcodes: string[]): Promise<Copy[]> {
  const added = await copies.insertCopiesUnlessTaken(tx, bookId, barcodes);
  if (added.length === barcodes.length) return added;
  const inserted = new Set(added.map((c) => c.barcode.toUpperCase()));
  const taken = barcodes.filter((b) => !inserted.has(b.toUpperCase()));
  throw alreadyExists(`barcode already taken: ${taken.join(", ")}`, "BARCODE_TAKEN", { barcodes: taken.join(",") });
}

/**
 * Makes the book (locked by the caller, as it is now) have `total` copies available or on loan:
 * adds copies with generated barcodes, or withdraws copies from the shelf (newest first), never
 * below those on loan (COPIES_BELOW_ON_LOAN). Moves the counters.
 */
export async function setTotalCopies(tx: Transaction, book: Book, total: number): Promise<void> {
  const change = total - book.totalCopies;
  if (change === 0) return;
  if (change > 0) {
    await copies.insertGeneratedCopies(tx, book.id, change);
  } else {
    const onLoan = book.totalCopies - book.availableCopies;
    if (total < onLoan) {
      throw failedPrecondition("COPIES_BELOW_ON_LOAN", `totalCopies ${total} is below the ${onLoan} copies on loan`, {
        bookId: book.id,
        totalCopies: String(total),
        onLoan: String(onLoan),
      });
    }
    const withdrawn = await copies.withdrawAvailableCopies(tx, book.id, -change);
    if (withdrawn !== -change) throw new Error(`book ${book.id}: counters say ${book.availableCopies} available, ${withdrawn} withdrawn`);
  }
  await copies.moveCounters(tx, book.id, change, change);
}

/**
 * Sets a copy's status in `tx` (book row, then copy, locked): available, lost or withdrawn.
 * With `ifMatch` (the client's `If-Match`), the locked copy's current ETag is compared first: a
 * mismatch is ETAG_MISMATCH and nothing changes. A copy on loan, or ON_LOAN asked for, →
 * COPY_ON_LOAN: only lending and returning move a copy on and off loan. The book's counters follow.
 */
export async function updateCopy(
  tx: Transaction,
  req: { id: string; status: CopyStatus | undefined },
  ifMatch?: string | null,
): Promise<Copy> {
  const id = requireUuid("id", req.id);
  if (req.status === undefined) throw invalidArgument("status", "must be COPY_STATUS_AVAILABLE, COPY_STATUS_LOST or COPY_STATUS_WITHDRAWN");
  const found = await copies.findCopy(tx, id);
  if (!found) throw notFound("copy", id);
  const book = await books.lockBook(tx, found.bookId);
  const copy = await copies.lockCopy(tx, id);
  if (!book || !copy) throw notFound("copy", id);
  requireIfMatch(ifMatch, copyEtag(copy), `copy ${id}`);
  if (copy.status === "on_loan" || !settableStatus(req.status)) {
    const message = copy.status === "on_loan" ? `copy ${copy.barcode} is on loan` : "only lending puts a copy on loan";
    throw failedPrecondition("COPY_ON_LOAN", message, { copyId: id, barcode: copy.barcode });
  }
  if (copy.status === req.status) return copy;
  const totalDelta = Number(countsInTotal(req.status)) - Number(countsInTotal(copy.status));
  const availableDelta = Number(req.status === "available") - Number(copy.status === "available");
  if (book.totalCopies + totalDelta > MAX_COPIES) throw invalidArgument("status", `the book already has ${MAX_COPIES} copies`);
  const updated = await copies.setCopyStatus(tx, id, req.status);
  await copies.moveCounters(tx, book.id, totalDelta, availableDelta);
  return updated;
}
