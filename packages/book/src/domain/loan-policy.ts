import { checkAll, invalidArgument } from "@lms/platform";

/** The key that matches any patron group or any loan type. */
export const ANY = "*";

/** A book's loan type when none is given. */
export const DEFAULT_LOAN_TYPE = "standard";

/** Which (patron group, loan type) pair a policy row is for; either may be {@link ANY}. */
export interface LoanPolicyKey {
  patronGroup: string;
  loanType: string;
}

/** The lending terms of a policy row. */
export interface LoanPolicyTerms {
  /** Whether such a book may be lent to such a patron at all (ITEM_NOT_LOANABLE otherwise). */
  loanable: boolean;
  /** Days from lending to due, 0..365 (0: due at once). */
  loanDays: number;
  /** Most renewals of one loan, 0..99. */
  maxRenewals: number;
  /** Most open loans the patron may hold when borrowing under this policy, 0..1000. */
  maxLoans: number;
}

/** One row of the policy table (DESIGN.md §8). */
export type LoanPolicy = LoanPolicyKey & LoanPolicyTerms;

/**
 * The whole policy table at one moment, read by one statement: lends resolve against one of
 * these, never against rows from two different reads, so a change never half-applies.
 */
export type PolicySnapshot = ReadonlyMap<string, LoanPolicy>;

/** Map key of a row in a {@link PolicySnapshot}. */
export function policyKeyOf(patronGroup: string, loanType: string): string {
  return `${patronGroup}\u0000${loanType}`;
}

/** A snapshot of `rows` (the rows of one read of the table). */
export function snapshotOf(rows: readonly LoanPolicy[]): PolicySnapshot {
  return new Map(rows.map((r) => [policyKeyOf(r.patronGroup, r.loanType), Object.freeze({ ...r })]));
}

/**
 * The policy of (patronGroup, loanType): the most specific row of `snapshot` — the exact pair,
 * then (group, `*`), then (`*`, type), then (`*`, `*`). The row is returned as it is, so its
 * keys tell which one applied. `fallback` stands in for a (`*`, `*`) row removed by hand in SQL
 * (the service never deletes it and inserts it at start).
 */
export function resolvePolicy(snapshot: PolicySnapshot, patronGroup: string, loanType: string, fallback: LoanPolicy): LoanPolicy {
  const group = patronGroup.toLowerCase();
  const type = loanType.toLowerCase();
  for (const [g, t] of [
    [group, type],
    [group, ANY],
    [ANY, type],
    [ANY, ANY],
  ]) {
    const row = snapshot.get(policyKeyOf(g, t));
    if (row) return row;
  }
  return fallback;
}

const NAME = /^[a-z0-9_-]{1,32}$/;

/** A policy key: `*`, or 1..32 of `[a-z0-9_-]` after trimming and lower-casing. */
export function policyKeyPart(field: string, value: string): string {
  const text = value.trim().toLowerCase();
  if (text === "") throw invalidArgument(field, "is required");
  if (text !== ANY && !NAME.test(text)) throw invalidArgument(field, 'must be "*" or 1..32 of a-z, 0-9, "_", "-"');
  return text;
}

/** A book's loan type: 1..32 of `[a-z0-9_-]` after trimming and lower-casing; "" is "standard". */
export function bookLoanTypeOf(value: string): string {
  const text = value.trim().toLowerCase();
  if (text === "") return DEFAULT_LOAN_TYPE;
  if (!NAME.test(text)) throw invalidArgument("loanType", 'must be 1..32 of a-z, 0-9, "_", "-"');
  return text;
}

/** The (patron group, loan type) a call names, both checked at once. */
export function checkPolicyKey(input: LoanPolicyKey): LoanPolicyKey {
  return checkAll({
    patronGroup: () => policyKeyPart("patronGroup", input.patronGroup),
    loanType: () => policyKeyPart("loanType", input.loanType),
  });
}

/** A PutLoanPolicy request: the keys, and every term, which may be absent on the wire. */
export type PolicyInput = LoanPolicyKey & { [K in keyof LoanPolicyTerms]?: LoanPolicyTerms[K] };

/** Checks a whole policy, naming every missing or out-of-range field at once (DESIGN.md §3). */
export function checkPolicy(input: PolicyInput): LoanPolicy {
  return checkAll<LoanPolicy>({
    patronGroup: () => policyKeyPart("patronGroup", input.patronGroup),
    loanType: () => policyKeyPart("loanType", input.loanType),
    loanable: () => required("loanable", input.loanable),
    loanDays: () => inRange("loanDays", input.loanDays, 0, 365),
    maxRenewals: () => inRange("maxRenewals", input.maxRenewals, 0, 99),
    maxLoans: () => inRange("maxLoans", input.maxLoans, 0, 1000),
  });
}

function required<T>(field: string, value: T | undefined): T {
  if (value === undefined) throw invalidArgument(field, "is required");
  return value;
}

function inRange(field: string, value: number | undefined, min: number, max: number): number {
  const n = required(field, value);
  if (!Number.isInteger(n) || n < min || n > max) throw invalidArgument(field, `must be between ${min} and ${max}`);
  return n;
}

/** True for the (`*`, `*`) row, which can be changed but never deleted. */
export function isDefaultPolicy(key: LoanPolicyKey): boolean {
  return key.patronGroup === ANY && key.loanType === ANY;
}
