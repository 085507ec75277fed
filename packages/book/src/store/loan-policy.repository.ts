import type { Executor } from "@lms/platform";
import type { LoanPolicy, LoanPolicyKey } from "../domain/loan-policy.js";

interface PolicyRow {
  patron_group: string;
  loan_type: string;
  loanable: boolean;
  loan_days: number;
  max_renewals: number;
  max_loans: number;
}

/** The channel migration 0009's trigger notifies, after the commit of any change to the table. */
export const POLICY_CHANNEL = "loan_policies_changed";

const COLUMNS = "patron_group, loan_type, loanable, loan_days, max_renewals, max_loans";

/** Row → domain policy (the one mapping at this border). */
function rowToPolicy(r: PolicyRow): LoanPolicy {
  return {
    patronGroup: r.patron_group,
    loanType: r.loan_type,
    loanable: r.loanable,
    loanDays: r.loan_days,
    maxRenewals: r.max_renewals,
    maxLoans: r.max_loans,
  };
}

/**
 * Every policy, read by one statement (one snapshot of the table), by patron group then loan
 * type in byte order, so `*` comes first whatever the database's collation.
 */
export async function listPolicies(db: Executor): Promise<LoanPolicy[]> {
  const { rows } = await db.query<PolicyRow>(
    `select ${COLUMNS} from loan_policies order by patron_group collate "C", loan_type collate "C"`,
  );
  return rows.map(rowToPolicy);
}

/** Creates or replaces the row of the policy's key in one statement (all terms or none). */
export async function upsertPolicy(db: Executor, p: LoanPolicy): Promise<LoanPolicy> {
  const { rows } = await db.query<PolicyRow>(
    `insert into loan_policies (${COLUMNS}) values ($1, $2, $3, $4, $5, $6)
     on conflict (patron_group, loan_type) do update set loanable = excluded.loanable, loan_days = excluded.loan_days,
       max_renewals = excluded.max_renewals, max_loans = excluded.max_loans, updated_at = now()
     returning ${COLUMNS}`,
    [p.patronGroup, p.loanType, p.loanable, p.loanDays, p.maxRenewals, p.maxLoans],
  );
  return rowToPolicy(rows[0]);
}

/** Inserts the policy unless its key has a row already (then nothing changes); true when inserted. */
export async function insertPolicyIfAbsent(db: Executor, p: LoanPolicy): Promise<boolean> {
  const { rowCount } = await db.query(
    `insert into loan_policies (${COLUMNS}) values ($1, $2, $3, $4, $5, $6) on conflict (patron_group, loan_type) do nothing`,
    [p.patronGroup, p.loanType, p.loanable, p.loanDays, p.maxRenewals, p.maxLoans],
  );
  return (rowCount ?? 0) > 0;
}

/** Deletes the row of `key`; false when there was none. */
export async function deletePolicy(db: Executor, key: LoanPolicyKey): Promise<boolean> {
  const { rowCount } = await db.query("delete from loan_policies where patron_group = $1 and loan_type = $2", [
    key.patronGroup,
    key.loanType,
  ]);
  return (rowCount ?? 0) > 0;
}
