// Pieces every Manage form shares: a titled form with Save (showing "Saving…") and Cancel, errors
// in words, a number field, and Delete that asks first and says why the server refused.
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from "react";
import { errorSentences } from "../../api/errors.js";
import { ErrorText } from "../../ui/status.js";

interface EditFormProps {
  title: string;
  pending: boolean;
  error: unknown;
  onSave: () => void;
  onCancel: () => void;
  children: ReactNode;
}

/** A form titled by its heading (h3), focused on its first field when it opens. */
export function EditForm({ title, pending, error, onSave, onCancel, children }: EditFormProps) {
  const id = useId();
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    form.current?.querySelector<HTMLElement>("input, select, textarea")?.focus();
  }, []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!pending) onSave();
  };
  return (
    <form ref={form} className="form editor" onSubmit={submit} noValidate>
      <h3 id={id}>{title}</h3>
      {children}
      {error ? <ErrorText sentences={errorSentences(error, "staff")} /> : null}
      <div className="actions">
        <button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save"}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

interface NumberFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  min?: number;
  max?: number;
  problem?: string | undefined;
}

export function NumberField({ label, value, onChange, min, max, problem }: NumberFieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        value={value}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${id}-problem` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {problem ? (
        <p id={`${id}-problem`} className="field-problem">
          {problem}
        </p>
      ) : null}
    </div>
  );
}

/** "Delete" (read as "Delete <what>"; no aria-label, so it never matches a field's label), then "Yes, delete" or "Cancel"; a refusal stays in words. */
export function DeleteControl({ what, onDelete, onDeleted }: { what: string; onDelete: () => Promise<unknown>; onDeleted: () => void }) {
  const [asking, setAsking] = useState(false);
  const remove = useMutation({ mutationFn: onDelete, onSuccess: onDeleted });
  if (!asking) {
    return (
      <button type="button" className="secondary" onClick={() => setAsking(true)}>
        Delete <span className="visually-hidden">{what}</span>
      </button>
    );
  }
  return (
    <div className="confirm">
      <p>Delete {what}? This cannot be undone.</p>
      <div className="actions">
        <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate()}>
          {remove.isPending ? "Deleting…" : "Yes, delete"}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setAsking(false);
            remove.reset();
          }}
        >
          Cancel
        </button>
      </div>
      {remove.isError ? <ErrorText sentences={errorSentences(remove.error, "staff")} /> : null}
    </div>
  );
}

/** A section's last success, announced politely. */
export function SavedNote({ text }: { text: string }) {
  return (
    <p role="status" className="saved-note">
      {text}
    </p>
  );
}
