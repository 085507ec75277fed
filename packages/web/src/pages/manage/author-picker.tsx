import { useId } from "react";
import { exactAuthor, useAuthorSearch } from "../../api/queries.js";
import { useSettled } from "../../ui/use-settled.js";

interface AuthorPickerProps {
  text: string;
  onText: (text: string) => void;
  problem?: string | undefined;
}

/**
 * "Author": a text field suggesting existing authors (there may be thousands). The form resolves
 * the typed name to an author when it saves (exactAuthor over a search), so typing a full name is
 * enough; the hint says whether the name is known.
 */
export function AuthorPicker({ text, onText, problem }: AuthorPickerProps) {
  const id = useId();
  const settled = useSettled(text);
  const suggestions = useAuthorSearch(settled);
  const match = exactAuthor(suggestions.data, settled);
  const hint =
    settled.trim() && suggestions.isSuccess && settled === text
      ? match
        ? `Author: ${match.name}.`
        : "No author has exactly this name yet; pick one from the suggestions or add the author first."
      : "Type to find an existing author.";
  return (
    <div className="field">
      <label htmlFor={id}>Author</label>
      <input
        id={id}
        type="text"
        list={`${id}-list`}
        autoComplete="off"
        value={text}
        aria-invalid={problem ? true : undefined}
        aria-describedby={`${id}-hint${problem ? ` ${id}-problem` : ""}`}
        onChange={(e) => onText(e.target.value)}
      />
      <datalist id={`${id}-list`}>
        {(suggestions.data ?? []).map((a) => (
          <option key={a.id} value={a.name} />
        ))}
      </datalist>
      <p id={`${id}-hint`} className="hint">
        {hint}
      </p>
      {problem ? (
        <p id={`${id}-problem`} className="field-problem">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
