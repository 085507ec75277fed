import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type KeyboardEvent, useLayoutEffect, useRef, useState } from "react";
import { errorSentences, fieldProblems } from "../../api/errors.js";
import { useServices } from "../../app/services-context.js";
import { ErrorText } from "../../ui/status.js";
import { TextField } from "../../ui/text-field.js";
import { checkIn, checkOut, type DeskOutcome } from "./desk-actions.js";
import "../../styles/staff.css";

type Action = "out" | "in";

/** Query families (first key) whose answers a check-out or check-in changes. */
const STALE_AFTER_DESK = new Set(["book", "books", "copies", "eligibility", "loans", "recommendations"]);

/**
 * "Circulation desk" (DESIGN §9): "Patron" (card number or email) and "Barcode", "Check out" and
 * "Check in". After each scan the patron stays and the barcode field is cleared and focused, so
 * a desk scans item after item; Enter checks out (checks in when no patron is given).
 */
export default function DeskPage() {
  const { api } = useServices();
  const [patron, setPatron] = useState("");
  const [barcode, setBarcode] = useState("");
  const [log, setLog] = useState<DeskOutcome[]>([]);
  const barcodeInput = useRef<HTMLInputElement>(null);
  const patronInput = useRef<HTMLInputElement>(null);
  // A desk is a scanning station: it opens ready for the patron's card. A layout effect, so the
  // field has focus within the commit that shows the page, before the shell looks where focus is.
  useLayoutEffect(() => patronInput.current?.focus(), []);
  const queryClient = useQueryClient();
  const desk = useMutation({
    mutationFn: ({ action }: { action: Action }) => (action === "out" ? checkOut(api, patron, barcode) : checkIn(api, barcode)),
    onSuccess: (outcome) => {
      setLog((previous) => [outcome, ...previous].slice(0, 20));
      setBarcode("");
      barcodeInput.current?.focus();
    },
    onError: () => barcodeInput.current?.select(),
    // A lend or a return changes the book's counts, its copies and someone's loans: other screens
    // must not show them from the cache.
    onSettled: () => queryClient.invalidateQueries({ predicate: (q) => STALE_AFTER_DESK.has(String(q.queryKey[0])) }),
  });
  const problems = fieldProblems(desk.error);
  const pendingAction = desk.isPending ? desk.variables.action : undefined;
  // After a refusal the last success is no longer "what just happened": it moves to the list.
  const latest = desk.isError ? undefined : log[0];
  const earlier = latest ? log.slice(1) : log;

  const act = (action: Action) => {
    if (!desk.isPending) desk.mutate({ action });
  };
  // A button says what to do; Enter in a field (a scanner ends with Enter) checks out, or checks
  // in when no patron is given.
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const chosen = (event.nativeEvent as SubmitEvent).submitter?.getAttribute("value");
    act(chosen === "in" ? "in" : "out");
  };
  const enter = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key !== "Enter" || event.nativeEvent.isComposing || !(event.target instanceof HTMLInputElement)) return;
    event.preventDefault();
    act(patron.trim() ? "out" : "in");
  };

  return (
    <section className="page desk">
      <title>Circulation desk · Library</title>
      <h1>Circulation desk</h1>
      <form className="form desk-form" aria-label="Check out or check in" onSubmit={submit} onKeyDown={enter} noValidate>
        <TextField
          label="Patron"
          name="patron"
          hint="Library card number or email. Leave it empty to check in."
          autoComplete="off"
          inputRef={patronInput}
          value={patron}
          onChange={setPatron}
          problem={problems.patron}
        />
        <TextField
          label="Barcode"
          name="barcode"
          autoComplete="off"
          inputRef={barcodeInput}
          value={barcode}
          onChange={setBarcode}
          problem={problems.barcode}
        />
        <div className="actions">
          <button type="submit" value="out" disabled={desk.isPending}>
            {pendingAction === "out" ? "Checking out…" : "Check out"}
          </button>
          <button type="submit" value="in" className="secondary" disabled={desk.isPending}>
            {pendingAction === "in" ? "Checking in…" : "Check in"}
          </button>
        </div>
      </form>
      {desk.isError ? <ErrorText sentences={errorSentences(desk.error, "staff")} /> : null}
      <div role="status" aria-live="polite" className="desk-latest">
        {latest ? <p>{latest.sentence}</p> : null}
      </div>
      {earlier.length > 0 ? (
        <section aria-labelledby="desk-log-heading">
          <h2 id="desk-log-heading">Earlier this session</h2>
          <ol className="desk-log">
            {earlier.map((entry, i) => (
              <li key={log.length - i - (latest ? 1 : 0)} className={entry.kind}>
                {entry.sentence}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </section>
  );
}
