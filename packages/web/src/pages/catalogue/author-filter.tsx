import { useEffect, useId, useState } from "react";
import { exactAuthor, useAuthor, useAuthorSearch } from "../../api/queries.js";
import { useSettled } from "../../ui/use-settled.js";

/**
 * "Author": a text field with suggestions (there may be thousands of authors, too many for a
 * list). Typing a suggested name, or picking it, filters by that author; clearing the field
 * removes the filter.
 */
export function AuthorFilter({ authorId, onChange }: { authorId: string; onChange: (authorId: string) => void }) {
  const id = useId();
  const chosen = useAuthor(authorId || undefined);
  const [text, setText] = useState<string | undefined>(undefined);
  // Until the person types, the field shows the chosen author's name (e.g. after Back).
  const shown = text ?? chosen.data?.name ?? "";
  const suggestions = useAuthorSearch(useSettled(text ?? ""));

  const type = (value: string) => {
    setText(value);
    const match = exactAuthor(suggestions.data, value);
    if (match && match.id !== authorId) onChange(match.id);
    else if (!value.trim() && authorId) onChange("");
  };
  // Suggestions may arrive after the full name was typed.
  useEffect(() => {
    if (text === undefined) return;
    const match = exactAuthor(suggestions.data, text);
    if (match && match.id !== authorId) onChange(match.id);
  }, [suggestions.data, text, authorId, onChange]);

  return (
    <div className="field">
      <label htmlFor={id}>Author</label>
      <input
        id={id}
        type="text"
        list={`${id}-list`}
        autoComplete="off"
        placeholder="Any author"
        value={shown}
        onChange={(e) => type(e.target.value)}
      />
      <datalist id={`${id}-list`}>
        {(suggestions.data ?? []).map((a) => (
          <option key={a.id} value={a.name} />
        ))}
      </datalist>
    </div>
  );
}
