import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { call, idempotencyKey } from "../../api/client.js";
import { errorSentences } from "../../api/errors.js";
import { REASON_TEXT } from "../../api/reasons.js";
import { useReturnHere } from "../../app/return-to.js";
import { usePrincipal, useRestoring, useServices } from "../../app/services-context.js";
import { formatDate } from "../../ui/format.js";
import { ErrorText, Loading } from "../../ui/status.js";

/** "Borrow" when CheckBorrow says the signed-in person may; otherwise every blocker, in words. */
export function BorrowPanel({ bookId }: { bookId: string }) {
  const { api } = useServices();
  const principal = usePrincipal();
  const restoring = useRestoring();
  const here = useReturnHere();
  const queryClient = useQueryClient();
  const eligibility = useQuery({
    queryKey: ["eligibility", bookId, principal?.userId],
    queryFn: () => call(api.GET("/api/v1/books/{id}/eligibility", { params: { path: { id: bookId } } })),
    enabled: principal !== undefined,
  });
  const borrow = useMutation({
    mutationFn: () =>
      call(
        api.POST("/api/v1/books/{id}/borrow", {
          params: { path: { id: bookId }, header: { "Idempotency-Key": idempotencyKey() } },
          body: {},
        }),
      ),
    onSettled: () =>
      queryClient.invalidateQueries({ predicate: (q) => ["book", "books", "eligibility", "loans"].includes(String(q.queryKey[0])) }),
  });

  if (!principal && restoring) return <Loading what="your session" />;
  if (!principal) {
    return (
      <section className="panel" aria-label="Borrowing">
        <p>
          <Link to="/sign-in" state={here}>
            Sign in
          </Link>{" "}
          to borrow this book.
        </p>
      </section>
    );
  }
  if (borrow.isSuccess) {
    return (
      <section className="panel" aria-label="Borrowing">
        <p role="status">Borrowed. Due back {formatDate(borrow.data.loan.dueAt)}.</p>
        <Link to="/loans">See my loans</Link>
      </section>
    );
  }
  return (
    <section className="panel" aria-label="Borrowing">
      {eligibility.isPending ? <Loading what="whether you can borrow this" /> : null}
      {eligibility.isError ? <ErrorText sentences={errorSentences(eligibility.error)} /> : null}
      {eligibility.data?.eligible ? (
        <>
          <button type="button" onClick={() => borrow.mutate()} disabled={borrow.isPending}>
            {borrow.isPending ? "Borrowing…" : "Borrow"}
          </button>
          <p className="hint">If you borrow it now, it is due back {formatDate(eligibility.data.dueAt)}.</p>
        </>
      ) : null}
      {eligibility.data && !eligibility.data.eligible ? (
        <div>
          <p>You cannot borrow this book right now:</p>
          <ul className="blockers">
            {eligibility.data.blockers.map((b) => (
              <li key={b.reason}>{REASON_TEXT[b.reason] ?? b.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {borrow.isError ? <ErrorText sentences={errorSentences(borrow.error)} /> : null}
    </section>
  );
}
