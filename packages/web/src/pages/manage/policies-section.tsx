import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { call } from "../../api/client.js";
import { errorSentences } from "../../api/errors.js";
import type { LoanPolicy } from "../../api/types.js";
import { useServices } from "../../app/services-context.js";
import { Empty, ErrorText, Loading } from "../../ui/status.js";
import { useEditor } from "./editor.js";
import { DeleteControl, SavedNote } from "./form-bits.js";
import { keyText, PolicyForm, policyName } from "./policy-form.js";

function PolicyRow({ policy, onSaved }: { policy: LoanPolicy; onSaved: (text: string) => void }) {
  const { api } = useServices();
  const queryClient = useQueryClient();
  const editor = useEditor(`policy:${policy.patronGroup}/${policy.loanType}`);
  const name = policyName(policy);
  return (
    <tr>
      <td>{keyText(policy.patronGroup, "Any")}</td>
      <td>{keyText(policy.loanType, "Any")}</td>
      <td>{policy.loanable ? "Yes" : "No"}</td>
      <td>{policy.loanDays}</td>
      <td>{policy.maxRenewals}</td>
      <td>{policy.maxLoans}</td>
      <td>
        <div className="actions">
          <button type="button" className="secondary" aria-expanded={editor.isOpen} onClick={editor.open}>
            Edit <span className="visually-hidden">the policy for {name}</span>
          </button>
          <DeleteControl
            what={`the policy for ${name}`}
            onDelete={() =>
              call(
                api.DELETE("/api/v1/loan-policies/{patronGroup}/{loanType}", {
                  params: { path: { patronGroup: policy.patronGroup, loanType: policy.loanType } },
                }),
              )
            }
            onDeleted={() => {
              onSaved(`Deleted the loan policy for ${name}.`);
              void queryClient.invalidateQueries({ queryKey: ["loan-policies"] });
            }}
          />
        </div>
      </td>
    </tr>
  );
}

/** The loan policies table (DESIGN §8): every row, Edit (PutLoanPolicy), Delete, and a new row. */
export function PoliciesSection() {
  const { api } = useServices();
  const editor = useEditor("new-policy");
  const [note, setNote] = useState("");
  const policies = useQuery({
    queryKey: ["loan-policies"],
    queryFn: async () => (await call(api.GET("/api/v1/loan-policies"))).policies,
  });
  return (
    <section id="policies">
      <h2>Loan policies</h2>
      <p className="hint">The most specific row applies: group and type, then group, then type, then the default (any, any).</p>
      <button type="button" aria-expanded={editor.isOpen} onClick={editor.open}>
        New loan policy
      </button>
      {editor.isOpen ? <PolicyForm onSaved={setNote} /> : null}
      <SavedNote text={note} />
      {policies.isPending ? <Loading what="loan policies" /> : null}
      {policies.isError ? <ErrorText sentences={errorSentences(policies.error)} /> : null}
      {policies.data?.length === 0 ? <Empty>No loan policies yet.</Empty> : null}
      {policies.data?.length ? (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Loan policies</caption>
            <thead>
              <tr>
                <th scope="col">Patron group</th>
                <th scope="col">Loan type</th>
                <th scope="col">Loanable</th>
                <th scope="col">Loan days</th>
                <th scope="col">Most renewals</th>
                <th scope="col">Most loans</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {policies.data.map((p) => (
                <PolicyRow key={`${p.patronGroup}/${p.loanType}`} policy={p} onSaved={setNote} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {(policies.data ?? []).map((p) => (
        <OpenPolicyEditor key={`${p.patronGroup}/${p.loanType}`} policy={p} onSaved={setNote} />
      ))}
    </section>
  );
}

/** The edit form of a row, under the table (a form cannot sit inside a table row). */
function OpenPolicyEditor({ policy, onSaved }: { policy: LoanPolicy; onSaved: (text: string) => void }) {
  const editor = useEditor(`policy:${policy.patronGroup}/${policy.loanType}`);
  return editor.isOpen ? <PolicyForm policy={policy} onSaved={onSaved} /> : null;
}
