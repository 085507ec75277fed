import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { call } from "../../api/client.js";
import { errorSentences, FieldProblem, fieldProblems } from "../../api/errors.js";
import type { Book, Copy, CopyStatus } from "../../api/types.js";
import { useServices } from "../../app/services-context.js";
import { COPY_STATUS_TEXT } from "../../ui/format.js";
import { Empty, ErrorText, Loading } from "../../ui/status.js";
import { touchesBooks } from "./book-form.js";
import { NumberField } from "./form-bits.js";

const SETTABLE: CopyStatus[] = ["COPY_STATUS_AVAILABLE", "COPY_STATUS_LOST", "COPY_STATUS_WITHDRAWN"];

/** One copy: barcode, status, and (unless it is on loan) a status to set through UpdateCopy. */
function CopyRow({ copy }: { copy: Copy }) {
  const { api } = useServices();
  const queryClient = useQueryClient();
  const selectId = useId();
  const [status, setStatus] = useState<CopyStatus>(copy.status);
  const update = useMutation({
    mutationFn: () => call(api.PATCH("/api/v1/copies/{id}", { params: { path: { id: copy.id } }, body: { status } })),
    onSuccess: () => void queryClient.invalidateQueries({ predicate: (q) => touchesBooks(q.queryKey) }),
  });
  const onLoan = copy.status === "COPY_STATUS_ON_LOAN";
  return (
    <tr>
      <td>{copy.barcode}</td>
      <td>{COPY_STATUS_TEXT[copy.status]}</td>
      <td>
        {onLoan ? (
          <span className="muted">Check it in at the desk first</span>
        ) : (
          <div className="inline-edit">
            <label htmlFor={selectId} className="visually-hidden">
              New status of {copy.barcode}
            </label>
            <select id={selectId} value={status} onChange={(e) => setStatus(e.target.value as CopyStatus)}>
              {SETTABLE.map((s) => (
                <option key={s} value={s}>
                  {COPY_STATUS_TEXT[s]}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="secondary"
              disabled={update.isPending || status === copy.status}
              onClick={() => update.mutate()}
            >
              {update.isPending ? "Saving…" : "Set status"} <span className="visually-hidden">of {copy.barcode}</span>
            </button>
          </div>
        )}
        {update.isError ? <ErrorText sentences={errorSentences(update.error, "staff")} /> : null}
      </td>
    </tr>
  );
}

/** A book's copies (barcode, status) with "Add copies" and a status change per copy. */
export function BookCopies({ book }: { book: Book }) {
  const { api } = useServices();
  const queryClient = useQueryClient();
  const [count, setCount] = useState("1");
  const copies = useQuery({
    queryKey: ["copies", book.id],
    queryFn: async () => (await call(api.GET("/api/v1/books/{bookId}/copies", { params: { path: { bookId: book.id } } }))).copies,
  });
  const add = useMutation({
    mutationFn: () => {
      const n = Number(count);
      if (!Number.isInteger(n) || n < 1 || n > 1000) throw new FieldProblem("count", "Enter a whole number from 1 to 1000.");
      return call(api.POST("/api/v1/books/{bookId}/copies", { params: { path: { bookId: book.id } }, body: { count: n } }));
    },
    onSuccess: () => void queryClient.invalidateQueries({ predicate: (q) => touchesBooks(q.queryKey) }),
  });
  return (
    <div className="copies-panel">
      <h3>Copies of {book.title}</h3>
      {copies.isPending ? <Loading what="copies" /> : null}
      {copies.isError ? <ErrorText sentences={errorSentences(copies.error)} /> : null}
      {copies.data?.length === 0 ? <Empty>This book has no copies yet.</Empty> : null}
      {copies.data?.length ? (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Copies of {book.title}</caption>
            <thead>
              <tr>
                <th scope="col">Barcode</th>
                <th scope="col">Status</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {copies.data.map((c) => (
                <CopyRow key={`${c.id}:${c.status}`} copy={c} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <form
        className="inline-edit"
        onSubmit={(e) => {
          e.preventDefault();
          if (!add.isPending) add.mutate();
        }}
      >
        <NumberField
          label="How many to add"
          value={count}
          onChange={setCount}
          min={1}
          max={1000}
          problem={fieldProblems(add.error).count}
        />
        <button type="submit" disabled={add.isPending}>
          {add.isPending ? "Adding…" : "Add copies"}
        </button>
      </form>
      {add.isSuccess ? <p role="status">Added {add.data.copies.map((c) => c.barcode).join(", ")}.</p> : null}
      {add.isError ? <ErrorText sentences={errorSentences(add.error, "staff")} /> : null}
    </div>
  );
}
