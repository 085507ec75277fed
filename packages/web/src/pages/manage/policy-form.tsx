import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { call } from "../../api/client.js";
import { FieldProblem, fieldProblems } from "../../api/errors.js";
import type { LoanPolicy } from "../../api/types.js";
import { useServices } from "../../app/services-context.js";
import { TextField } from "../../ui/text-field.js";
import { useEditor } from "./editor.js";
import { EditForm, NumberField } from "./form-bits.js";

/** "*" reads as "any group" / "any loan type". */
export function keyText(value: string, any: string): string {
  return value === "*" ? any : value;
}

export function policyName(p: Pick<LoanPolicy, "patronGroup" | "loanType">): string {
  return `${keyText(p.patronGroup, "any group")}, ${keyText(p.loanType, "any loan type")}`;
}

function whole(field: string, text: string, max: number): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < 0 || n > max)
    throw new FieldProblem(field, `Enter a whole number from 0 to ${max}.`);
  return n;
}

const NEW: LoanPolicy = { patronGroup: "", loanType: "", loanable: true, loanDays: 14, maxRenewals: 2, maxLoans: 5 };

/** A new loan policy row (group and loan type chosen here) or an existing row's values (PutLoanPolicy). */
export function PolicyForm({ policy, onSaved }: { policy?: LoanPolicy; onSaved: (text: string) => void }) {
  const { api } = useServices();
  const queryClient = useQueryClient();
  const editor = useEditor(policy ? `policy:${policy.patronGroup}/${policy.loanType}` : "new-policy");
  const start = policy ?? NEW;
  const loanableId = useId();
  const [group, setGroup] = useState(start.patronGroup);
  const [loanType, setLoanType] = useState(start.loanType);
  const [loanable, setLoanable] = useState(start.loanable);
  const [loanDays, setLoanDays] = useState(String(start.loanDays));
  const [maxRenewals, setMaxRenewals] = useState(String(start.maxRenewals));
  const [maxLoans, setMaxLoans] = useState(String(start.maxLoans));
  const save = useMutation({
    mutationFn: () => {
      const patronGroup = group.trim() || "*";
      const type = loanType.trim() || "*";
      const body = {
        loanable,
        loanDays: whole("loanDays", loanDays, 365),
        maxRenewals: whole("maxRenewals", maxRenewals, 99),
        maxLoans: whole("maxLoans", maxLoans, 1000),
      };
      return call(api.PUT("/api/v1/loan-policies/{patronGroup}/{loanType}", { params: { path: { patronGroup, loanType: type } }, body }));
    },
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ predicate: (q) => ["loan-policies", "eligibility"].includes(String(q.queryKey[0])) });
      onSaved(`Saved the loan policy for ${policyName(saved)}.`);
      editor.close();
    },
  });
  const problems = fieldProblems(save.error);
  return (
    <EditForm
      title={policy ? `Edit the policy for ${policyName(policy)}` : "New loan policy"}
      pending={save.isPending}
      error={save.error}
      onSave={() => save.mutate()}
      onCancel={editor.close}
    >
      {policy ? null : (
        <>
          <TextField
            label="Patron group"
            name="patronGroup"
            hint="A group name such as student, or * (or empty) for any group."
            value={group}
            onChange={setGroup}
            problem={problems.patronGroup}
          />
          <TextField
            label="Loan type"
            name="loanType"
            hint="A loan type such as standard, or * (or empty) for any type."
            value={loanType}
            onChange={setLoanType}
            problem={problems.loanType}
          />
        </>
      )}
      <div className="field checkbox">
        <input id={loanableId} type="checkbox" checked={loanable} onChange={(e) => setLoanable(e.target.checked)} />
        <label htmlFor={loanableId}>Loanable</label>
      </div>
      <NumberField label="Loan days" value={loanDays} onChange={setLoanDays} min={0} max={365} problem={problems.loanDays} />
      <NumberField label="Most renewals" value={maxRenewals} onChange={setMaxRenewals} min={0} max={99} problem={problems.maxRenewals} />
      <NumberField label="Most loans at once" value={maxLoans} onChange={setMaxLoans} min={0} max={1000} problem={problems.maxLoans} />
    </EditForm>
  );
}
