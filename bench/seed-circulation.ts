/**
 * The circulation side of the bench data set (DESIGN.md §8): each book's loan type, its copies'
 * barcodes, and a loan-policy table like a small library's. The SQL expressions and the
 * functions compute the same values, so the bench knows every barcode without reading it back.
 */

/** Copies of each hot book: more than the most clients, so contention is on the row lock, never on stock. */
export const HOT_COPIES = 200;

/** Copies of the i-th seeded book: 1–5, or {@link HOT_COPIES} for the two hot books (from `hotFrom` on). */
export function copiesOf(i: number, hotFrom: number): number {
  return i >= hotFrom ? HOT_COPIES : 1 + (i % 5);
}

/** The same as {@link copiesOf}, in SQL over the column `i`. */
export const copiesSql = (hotFrom: number) => `case when i >= ${hotFrom} then ${HOT_COPIES} else 1 + i % 5 end`;

/** Barcode of copy k (1-based) of the i-th seeded book. */
export function seedBarcode(i: number, k: number): string {
  return `BK${i}-${k}`;
}

/** The same as {@link seedBarcode}, in SQL over the columns `i` and `k`. */
export const BARCODE_SQL = `'BK' || i || '-' || k`;

/** A tenth of the books are short loans, the rest standard; every type is lendable to the bench's members. */
export const LOAN_TYPE_SQL = `case when i % 10 = 9 then 'short' else 'standard' end`;

/** A row of the loan-policy table. */
export interface SeedPolicy {
  patronGroup: string;
  loanType: string;
  loanable: boolean;
  loanDays: number;
  maxRenewals: number;
  maxLoans: number;
}

/**
 * The policy table of the data set, beside the (`*`, `*`) row the book service inserts at start.
 * The bench's members are in the "default" group: their rows allow 99 renewals and 100 loans, so
 * the RenewLoan rows measure renewals rather than RENEWAL_LIMIT_REACHED refusals (policies are
 * resolved in memory, so how generous a row is costs nothing). The other rows make the table a
 * library's: lending resolves the most specific of them on every lend.
 */
export const BENCH_LOAN_POLICIES: readonly SeedPolicy[] = [
  { patronGroup: "default", loanType: "standard", loanable: true, loanDays: 21, maxRenewals: 99, maxLoans: 100 },
  { patronGroup: "default", loanType: "short", loanable: true, loanDays: 7, maxRenewals: 99, maxLoans: 100 },
  { patronGroup: "staff", loanType: "*", loanable: true, loanDays: 60, maxRenewals: 10, maxLoans: 50 },
  { patronGroup: "child", loanType: "standard", loanable: true, loanDays: 14, maxRenewals: 2, maxLoans: 10 },
  { patronGroup: "child", loanType: "short", loanable: false, loanDays: 0, maxRenewals: 0, maxLoans: 0 },
  { patronGroup: "*", loanType: "reference", loanable: false, loanDays: 0, maxRenewals: 0, maxLoans: 0 },
  { patronGroup: "*", loanType: "dvd", loanable: true, loanDays: 7, maxRenewals: 1, maxLoans: 3 },
];

/** One INSERT of {@link BENCH_LOAN_POLICIES}, as values of a statement (they are constants of this file). */
export function loanPoliciesInsert(): string {
  const rows = BENCH_LOAN_POLICIES.map(
    (p) => `('${p.patronGroup}', '${p.loanType}', ${p.loanable}, ${p.loanDays}, ${p.maxRenewals}, ${p.maxLoans})`,
  );
  return `insert into loan_policies (patron_group, loan_type, loanable, loan_days, max_renewals, max_loans) values ${rows.join(", ")}`;
}
