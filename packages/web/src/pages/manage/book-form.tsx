import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { categoryTree } from "../../api/category-tree.js";
import { type Api, call } from "../../api/client.js";
import { FieldProblem, fieldProblems } from "../../api/errors.js";
import { exactAuthor, useAllCategories } from "../../api/queries.js";
import type { Book } from "../../api/types.js";
import { useServices } from "../../app/services-context.js";
import { TextField } from "../../ui/text-field.js";
import { AuthorPicker } from "./author-picker.js";
import { useEditor } from "./editor.js";
import { EditForm, NumberField } from "./form-bits.js";

export const touchesBooks = (key: readonly unknown[]) =>
  ["books", "book", "manage-books", "copies", "item-categories", "eligibility"].includes(String(key[0]));

/** The id of the author named `text` (asked of ListAuthors), or a problem with the "Author" field. */
async function authorIdFor(api: Api, text: string, current?: { id: string; name: string }): Promise<string> {
  const name = text.trim();
  if (!name) throw new FieldProblem("authorId", "Choose the book's author.");
  if (current && current.name.toLowerCase() === name.toLowerCase()) return current.id;
  const { authors } = await call(api.GET("/api/v1/authors", { params: { query: { q: name, pageSize: 20 } } }));
  const found = exactAuthor(authors, name);
  if (!found) throw new FieldProblem("authorId", `No author is called ${name}. Add the author first, or pick a suggestion.`);
  return found.id;
}

function copiesFrom(text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < 0)
    throw new FieldProblem("totalCopies", "Enter a whole number of copies, 0 or more.");
  return n;
}

interface BookFormProps {
  book?: Book;
  authorName?: string;
  onSaved: (text: string) => void;
}

/** "New book" (fields "Title", "ISBN", "Author", "Categories", "Copies") or a book's edit form. */
export function BookForm({ book, authorName, onSaved }: BookFormProps) {
  const { api } = useServices();
  const queryClient = useQueryClient();
  const editor = useEditor(book ? `book:${book.id}` : "new-book");
  const categories = useAllCategories();
  const categoriesId = useId();
  const [title, setTitle] = useState(book?.title ?? "");
  const [isbn, setIsbn] = useState(book?.isbn ?? "");
  const [authorText, setAuthorText] = useState(authorName ?? "");
  const [categoryIds, setCategoryIds] = useState<string[]>(book?.categoryIds ?? []);
  const [copies, setCopies] = useState(String(book?.totalCopies ?? 1));
  const save = useMutation({
    mutationFn: async () => {
      const current = book && authorName ? { id: book.authorId, name: authorName } : undefined;
      const fields = { title, isbn, categoryIds, totalCopies: copiesFrom(copies), authorId: await authorIdFor(api, authorText, current) };
      if (!book) return call(api.POST("/api/v1/books", { body: fields }));
      const { publisher, publishedYear, language, description, loanType } = book;
      return call(
        api.PUT("/api/v1/books/{id}", {
          params: { path: { id: book.id } },
          body: { ...fields, publisher, publishedYear, language, description, loanType },
        }),
      );
    },
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ predicate: (q) => touchesBooks(q.queryKey) });
      const copyWords = saved.totalCopies === 1 ? "1 copy" : `${saved.totalCopies} copies`;
      onSaved(book ? `Saved the book ${saved.title} (${copyWords}).` : `Added the book ${saved.title} with ${copyWords}.`);
      editor.close();
    },
  });
  const problems = fieldProblems(save.error);
  const categoryProblem = Object.entries(problems).find(([k]) => k.startsWith("categoryIds"))?.[1];
  return (
    <EditForm
      title={book ? `Edit ${book.title}` : "New book"}
      pending={save.isPending}
      error={save.error}
      onSave={() => save.mutate()}
      onCancel={editor.close}
    >
      <TextField label="Title" name="title" required value={title} onChange={setTitle} problem={problems.title} />
      <TextField label="ISBN" name="isbn" required value={isbn} onChange={setIsbn} problem={problems.isbn} />
      <AuthorPicker text={authorText} onText={setAuthorText} problem={problems.authorId} />
      <div className="field">
        <label htmlFor={categoriesId}>Categories</label>
        <p id={`${categoriesId}-hint`} className="hint">
          Hold Ctrl (⌘ on a Mac) or Shift to choose more than one.
        </p>
        <select
          id={categoriesId}
          multiple
          size={Math.min(8, Math.max(3, categories.data?.length ?? 3))}
          value={categoryIds}
          aria-describedby={`${categoriesId}-hint${categoryProblem ? ` ${categoriesId}-problem` : ""}`}
          aria-invalid={categoryProblem ? true : undefined}
          onChange={(e) => setCategoryIds([...e.target.selectedOptions].map((o) => o.value))}
        >
          {categoryTree(categories.data ?? []).map(({ category, depth }) => (
            <option key={category.id} value={category.id}>
              {"\u00a0\u00a0".repeat(depth) + category.name}
            </option>
          ))}
        </select>
        {categoryProblem ? (
          <p id={`${categoriesId}-problem`} className="field-problem">
            {categoryProblem}
          </p>
        ) : null}
      </div>
      <NumberField label="Copies" value={copies} onChange={setCopies} min={0} max={10000} problem={problems.totalCopies} />
    </EditForm>
  );
}
