import { errorSentences } from "../../api/errors.js";
import { usePrincipal } from "../../app/services-context.js";
import { hasRole } from "../../session/principal.js";
import { formatDate } from "../../ui/format.js";
import { Empty, ErrorText, Loading } from "../../ui/status.js";
import { LibraryCard } from "./library-card.js";
import { useOpenLoans, usePastLoans, useTitles } from "./loan-queries.js";
import { OpenLoanRow } from "./open-loan-row.js";

function PastLoans() {
  const past = usePastLoans();
  const loans = past.data?.pages.flatMap((p) => p.loans) ?? [];
  const titles = useTitles(loans);
  return (
    <section aria-labelledby="past-heading">
      <h2 id="past-heading">Past loans</h2>
      {past.isPending ? <Loading what="past loans" /> : null}
      {past.isError ? <ErrorText sentences={errorSentences(past.error)} /> : null}
      {past.isSuccess && loans.length === 0 ? <Empty>No returned loans yet.</Empty> : null}
      {loans.length > 0 ? (
        <ul className="loan-list">
          {loans.map((l) => (
            <li key={l.id} className="loan">
              <span className="book-title">{titles.get(l.bookId) ?? "Loading title…"}</span>
              <span className="muted">
                Borrowed {formatDate(l.borrowedAt)}
                {l.returnedAt ? `, returned ${formatDate(l.returnedAt)}` : ""}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {past.hasNextPage ? (
        <button type="button" onClick={() => void past.fetchNextPage()} disabled={past.isFetchingNextPage}>
          {past.isFetchingNextPage ? "Loading…" : "Show more past loans"}
        </button>
      ) : null}
    </section>
  );
}

/** "My loans" (DESIGN §9): open loans with due dates, overdue marked, Renew and Return; past loans. */
export default function MyLoansPage() {
  const principal = usePrincipal();
  const open = useOpenLoans();
  const titles = useTitles(open.data ?? []);
  const now = Date.now();
  return (
    <section className="page">
      <title>My loans · Library</title>
      <h1>My loans</h1>
      {principal ? <LibraryCard userId={principal.userId} /> : null}
      {open.isPending ? <Loading what="your loans" /> : null}
      {open.isError ? <ErrorText sentences={errorSentences(open.error)} /> : null}
      {open.data?.length === 0 ? <Empty>You have no books on loan. Find one in the catalogue.</Empty> : null}
      {open.data?.length ? (
        <ul className="loan-list">
          {open.data.map((loan) => (
            <OpenLoanRow key={loan.id} loan={loan} title={titles.get(loan.bookId)} now={now} canReturn={hasRole(principal, "member")} />
          ))}
        </ul>
      ) : null}
      <PastLoans />
    </section>
  );
}
