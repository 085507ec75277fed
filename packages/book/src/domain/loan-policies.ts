import type { Logger } from "@lms/platform";
import type pg from "pg";
import { listPolicies, POLICY_CHANNEL } from "../store/loan-policy.repository.js";
import { createNotificationListener } from "../store/notification-listener.js";
import { createPolicyCache, type LoanPolicies } from "./loan-policy.cache.js";
import { ensureDefaultPolicy, initialDefaultPolicy } from "./loan-policy.service.js";

/** The service's loan policies: the cache lends read, and the listener that keeps it current. */
export interface LoanPolicyRuntime {
  cache: LoanPolicies;
  /** True while change notices are heard (the cache keeps a copy only then). */
  readonly listening: boolean;
  /** Starts listening for changes (until then, and whenever the listener is down, reads go to the table). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Makes sure the (`*`, `*`) policy exists (from LOAN_DAYS and MAX_ACTIVE_LOANS the first time)
 * and builds the policy cache over `pool`, kept current by a LISTEN connection of its own.
 */
export async function createLoanPolicies(
  pool: pg.Pool,
  rules: { loanDays: number; maxActiveLoans: number },
  log: Logger,
  retryMs?: number,
): Promise<LoanPolicyRuntime> {
  const fallback = initialDefaultPolicy(rules);
  if (rules.loanDays > fallback.loanDays)
    log.warn({ loanDays: rules.loanDays }, "LOAN_DAYS above 365: the default loan policy starts at 365");
  if (await ensureDefaultPolicy(pool, fallback)) log.info({ policy: fallback }, "default loan policy created");
  let onChange = () => {};
  const listener = createNotificationListener({
    connection: pool.options,
    channel: POLICY_CHANNEL,
    onChange: () => onChange(),
    log,
    retryMs,
  });
  const cache = createPolicyCache({ load: () => listPolicies(pool), feed: listener, fallback });
  onChange = () => cache.invalidate();
  return {
    cache,
    get listening() {
      return listener.listening;
    },
    start: () => listener.start(),
    close: () => listener.close(),
  };
}
