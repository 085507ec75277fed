/**
 * The loan policies a lend uses, read from a small in-process copy of the whole table.
 *
 * For the lending code (CheckOut, BorrowBook, RenewLoan, CheckBorrow):
 *
 *   const policy = await deps.policies.policyFor(patronGroup, book.loanType);
 *   if (!policy.loanable) → ITEM_NOT_LOANABLE; open loans ≥ policy.maxLoans → LOAN_LIMIT_REACHED;
 *   dueAt = now + policy.loanDays days; renewalCount ≥ policy.maxRenewals → RENEWAL_LIMIT_REACHED.
 *
 * `policyFor` gives the most specific row (exact pair, then (group, `*`), then (`*`, type), then
 * (`*`, `*`)), resolved against one snapshot of the table: a lend sees the policies either
 * before or after a change, never a mix. It takes no executor: the policy is read outside the
 * lend's transaction (from memory, or from the pool when the cache cannot be trusted).
 *
 * Freshness across replicas: migration 0009's trigger NOTIFYs on every change, delivered at
 * commit; each replica's listener drops its copy on the notice, and the next lend reloads the
 * table. While the listener is down (reconnecting), nothing is cached: every call reads the
 * table, so a replica that cannot hear changes never serves stale policies.
 */
import type { LoanPolicy, PolicySnapshot } from "./loan-policy.js";
import { resolvePolicy, snapshotOf } from "./loan-policy.js";

/** The policy table as the service reads it. */
export interface LoanPolicies {
  /** The policy of (patronGroup, loanType): the most specific row of one snapshot of the table. */
  policyFor(patronGroup: string, loanType: string): Promise<LoanPolicy>;
  /** The whole table as one snapshot (for a caller resolving several pairs consistently). */
  snapshot(): Promise<PolicySnapshot>;
  /** Drops the cached copy: called on a change notice, and by this replica after its own writes commit. */
  invalidate(): void;
}

export interface PolicyCacheDeps {
  /** Reads every row in one statement (a consistent snapshot). */
  load(): Promise<LoanPolicy[]>;
  /** Whether change notices are being heard; the cache keeps a copy only then. */
  feed: { readonly listening: boolean };
  /** The (`*`, `*`) terms the service starts from (LOAN_DAYS, MAX_ACTIVE_LOANS, 2 renewals). */
  fallback: LoanPolicy;
}

/**
 * A cache of the whole policy table. Each invalidation starts a new generation; a load is kept
 * only if no invalidation happened while it ran (it may have read the table before the change
 * that caused it), and a caller arriving after an invalidation never joins a load begun before it.
 */
export function createPolicyCache(deps: PolicyCacheDeps): LoanPolicies {
  let generation = 0;
  let cached: { generation: number; snapshot: PolicySnapshot } | undefined;
  let loading: { generation: number; promise: Promise<PolicySnapshot> } | undefined;

  const load = (gen: number): Promise<PolicySnapshot> =>
    deps.load().then((rows) => {
      const snapshot = snapshotOf(rows);
      if (gen === generation && deps.feed.listening) cached = { generation: gen, snapshot };
      return snapshot;
    });

  const snapshot = (): Promise<PolicySnapshot> => {
    if (!deps.feed.listening) return load(-1); // never cached: every call reads the table
    if (cached?.generation === generation) return Promise.resolve(cached.snapshot);
    if (loading?.generation !== generation) {
      const gen = generation;
      const promise = load(gen).finally(() => {
        if (loading?.promise === promise) loading = undefined;
      });
      loading = { generation: gen, promise };
    }
    return loading.promise;
  };

  return {
    snapshot,
    async policyFor(patronGroup, loanType) {
      return resolvePolicy(await snapshot(), patronGroup, loanType, deps.fallback);
    },
    invalidate() {
      generation++;
      cached = undefined;
    },
  };
}
