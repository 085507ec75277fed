/** One lending of one copy, as the domain sees it. */
export interface Loan {
  id: string;
  bookId: string;
  userId: string;
  borrowedAt: Date;
  dueAt: Date;
  /** undefined while the loan is open. */
  returnedAt: Date | undefined;
  /** The copy lent; "" for loans returned before copies had barcodes (migration 0008). */
  copyId: string;
  /** That copy's barcode; "" when copyId is. */
  barcode: string;
  renewalCount: number;
}

/** Circulation limits (config MAX_ACTIVE_LOANS, LOAN_DAYS). */
export interface LoanRules {
  maxActiveLoans: number;
  loanDays: number;
}

/** The answer of a borrow or a return. */
export interface LoanOutcome {
  loan: Loan;
  availableCopies: number;
}
