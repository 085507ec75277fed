import { type Ref, useId } from "react";

interface TextFieldProps {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  type?: "text" | "email" | "password" | "search";
  autoComplete?: string;
  required?: boolean;
  /** What is wrong with the value, in words (from the API's field violations). */
  problem?: string | undefined;
  /** A hint under the label, read with the field. */
  hint?: string;
  inputRef?: Ref<HTMLInputElement>;
  inputMode?: "text" | "numeric" | "email" | "search";
}

/** A labelled input whose problem, if any, is announced with it. */
export function TextField(props: TextFieldProps) {
  const { label, name, value, onChange, type = "text", autoComplete, required, problem, hint, inputRef, inputMode } = props;
  const id = useId();
  const described = [hint ? `${id}-hint` : "", problem ? `${id}-problem` : ""].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      <input
        ref={inputRef}
        id={id}
        inputMode={inputMode}
        name={name}
        type={type}
        value={value}
        autoComplete={autoComplete}
        required={required}
        aria-invalid={problem ? true : undefined}
        aria-describedby={described || undefined}
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
