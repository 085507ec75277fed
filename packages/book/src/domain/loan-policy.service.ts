import { type Executor, failedPrecondition, notFound } from "@lms/platform";
import * as repo from "../store/loan-policy.repository.js";
import type { LoanPolicies } from "./loan-policy.cache.js";
import { ANY, checkPolicy, checkPolicyKey, isDefaultPolicy, type LoanPolicy, type LoanPolicyKey, type PolicyInput } from "./loan-policy.js";

/** Every policy, straight from the table (not the cache: a list shows changes made on other replicas at once). */
export function listPolicies(db: Executor): Promise<LoanPolicy[]> {
  return repo.listPolicies(db);
}

/**
 * Creates or replaces a policy: checked whole first (every invalid field named), then written by
 * one statement, so concurrent Puts of one key leave exactly one of them, never a mix. This
 * replica drops its cached copy once the write has committed; the others hear of it by NOTIFY.
 */
export async function putPolicy(db: Executor, cache: LoanPolicies, input: PolicyInput): Promise<LoanPolicy> {
  const policy = checkPolicy(input);
  try {
    return await repo.upsertPolicy(db, policy);
  } finally {
    cache.invalidate(); // also after a failure: it may have committed before the answer was lost
  }
}

/** Deletes a policy; the (`*`, `*`) one is refused (DEFAULT_POLICY), an absent one is NOT_FOUND. */
export async function deletePolicy(db: Executor, cache: LoanPolicies, input: LoanPolicyKey): Promise<void> {
  const key = checkPolicyKey(input);
  if (isDefaultPolicy(key)) {
    throw failedPrecondition("DEFAULT_POLICY", 'the ("*", "*") loan policy can be changed but not deleted', { ...key });
  }
  let deleted: boolean;
  try {
    deleted = await repo.deletePolicy(db, key);
  } finally {
    cache.invalidate();
  }
  if (!deleted) throw notFound("loan policy", `${key.patronGroup}/${key.loanType}`);
}

/** The (`*`, `*`) terms a new database starts from: LOAN_DAYS (at most 365), MAX_ACTIVE_LOANS, 2 renewals. */
export function initialDefaultPolicy(rules: { loanDays: number; maxActiveLoans: number }): LoanPolicy {
  return {
    patronGroup: ANY,
    loanType: ANY,
    loanable: true,
    loanDays: Math.min(rules.loanDays, 365),
    maxRenewals: 2,
    maxLoans: rules.maxActiveLoans,
  };
}

/**
 * Makes sure the (`*`, `*`) row exists, at service start: inserted from `initial` when absent
 * (the first replica to start wins; a row already there is never changed). SQL migrations cannot
 * read LOAN_DAYS and MAX_ACTIVE_LOANS, so this is where the row is born.
 */
export function ensureDefaultPolicy(db: Executor, initial: LoanPolicy): Promise<boolean> {
  return repo.insertPolicyIfAbsent(db, initial);
}
