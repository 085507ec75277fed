import { Link } from "react-router";
import { errorSentences } from "../../api/errors.js";
import type { Loan } from "../../api/types.js";
import { formatDate } from "../../ui/format.js";
import { ErrorText } from "../../ui/status.js";
import { useRenew, useReturn } from "./loan-queries.js";

interface OpenLoanRowProps {
  loan: Loan;
  title: string | undefined;
  now: number;
  /** Members may return their own loans through the API (ReturnBook, member+). */
  canReturn: boolean;
}

export function OpenLoanRow({ loan, title, now, canReturn }: OpenLoanRowProps) {
  const renew = useRenew();
  const giveBack = useReturn();
  const overdue = Date.parse(loan.dueAt) < now;
  const name = title ?? "Loading title…";
  return (
    <li className={overdue ? "loan overdue" : "loan"}>
      <Link to={`/books/${loan.bookId}`} className="book-title">
        {name}
      </Link>
      <span>
        Due {formatDate(loan.dueAt)}
        {overdue ? <strong className="badge late"> Overdue</strong> : null}
      </span>
      {loan.renewalCount > 0 ? (
        <span className="muted">Renewed {loan.renewalCount === 1 ? "once" : `${loan.renewalCount} times`}</span>
      ) : null}
      <div className="actions">
        <button type="button" onClick={() => renew.mutate(loan)} disabled={renew.isPending}>
          {renew.isPending ? "Renewing…" : "Renew"}
        </button>
        {canReturn ? (
          <button type="button" onClick={() => giveBack.mutate(loan)} disabled={giveBack.isPending}>
            {giveBack.isPending ? "Returning…" : "Return"}
          </button>
        ) : null}
      </div>
      {renew.isSuccess ? <p role="status">Renewed. Now due {formatDate(renew.data.loan.dueAt)}.</p> : null}
      {renew.isError ? <ErrorText sentences={errorSentences(renew.error)} /> : null}
      {giveBack.isError ? <ErrorText sentences={errorSentences(giveBack.error)} /> : null}
    </li>
  );
}
