import { failedPrecondition, isUniqueViolation, notFound, type Transaction } from "@lms/platform";
import * as desk from "../store/desk.repository.js";
import * as loans from "../store/loan.repository.js";
import { type Copy, requireBarcode } from "./copy.js";
import { alreadyBorrowed, lendBlockers, refusal, refuseFirst, shelfBlocker } from "./lending-rules.js";
import type { Loan } from "./loan.js";
import type { Lending } from "./loan.service.js";
import type { Patron } from "./ports.js";

/**
 * Lends the scanned copy to `borrower`, in the caller's transaction `tx`, under the rules of
 * DESIGN.md §8 in their order (lending-rules.ts), as borrowBook does for any copy: serialises
 * the borrower's lends, reads their standing and the policy of (their patron group, the book's
 * loan type), then locks the book row and the copy and refuses with the first rule broken
 * (a copy on loan, lost or withdrawn: COPY_NOT_AVAILABLE). Of racing check-outs of one copy,
 * the book row's lock lets one at a time look at it: exactly one finds it on the shelf.
 */
export async function checkOut(tx: Transaction, lending: Lending, borrower: Patron, barcode: string): Promise<Loan> {
  const userId = borrower.id;
  await loans.lockBorrower(tx, userId);
  const item = await desk.findItemByBarcode(tx, barcode);
  if (!item) throw notFound("copy with barcode", barcode);
  const terms = await lending.policies.policyFor(borrower.patronGroup, item.loanType);
  const standing = await loans.standingOf(tx, userId, item.bookId, lending.overdueBlockDays);
  const copy = await desk.lockBookThenCopy(tx, item.bookId, item.copyId);
  if (!copy) throw notFound("copy with barcode", barcode); // its book was deleted meanwhile
  const shelf = { kind: "copy", barcode: copy.barcode, available: copy.status === "available" } as const;
  refuseFirst(lendBlockers({ userId, bookId: copy.bookId, terms, ...standing, shelf }));
  // The partial unique indexes are the last defence; were they ever reached, they say which rule.
  const loan = await desk.openLoanOnCopy(tx, copy.bookId, copy.id, userId, terms.loanDays).catch((err: unknown) => {
    if (isUniqueViolation(err, loans.ONE_OPEN_PER_USER_BOOK)) throw refusal(alreadyBorrowed(copy.bookId, userId));
    if (isUniqueViolation(err, desk.ONE_OPEN_PER_COPY)) throw refusal(shelfBlocker(copy.bookId, { ...shelf, available: false }));
    throw err;
  });
  if (!loan) throw refusal(shelfBlocker(copy.bookId, { ...shelf, available: false }));
  return loan;
}

/** What a check-in answers: the closed loan and the copy back on the shelf. */
export interface CheckedIn {
  loan: Loan;
  copy: Copy;
}

/**
 * Takes the scanned copy back in `tx`: closes its open loan and puts it on the shelf (the
 * book's available counter +1), exactly once however many check-ins race. A copy with no open
 * loan → COPY_NOT_ON_LOAN; an unknown barcode → NOT_FOUND.
 */
export async function checkIn(tx: Transaction, barcode: string): Promise<CheckedIn> {
  const loan = await desk.closeOpenLoanOfBarcode(tx, requireBarcode("barcode", barcode));
  if (!loan) {
    const item = await desk.findItemByBarcode(tx, barcode);
    if (!item) throw notFound("copy with barcode", barcode);
    throw failedPrecondition("COPY_NOT_ON_LOAN", `copy ${barcode} is not on loan`, { barcode, copyId: item.copyId, bookId: item.bookId });
  }
  const copy = await desk.shelveReturnedCopy(tx, loan.bookId, loan.copyId);
  if (!copy) throw new Error(`loan ${loan.id} was open but its copy ${loan.copyId} was not on loan`);
  return { loan, copy };
}
