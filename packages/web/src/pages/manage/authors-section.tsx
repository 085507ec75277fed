import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { call } from "../../api/client.js";
import { errorSentences, fieldProblems } from "../../api/errors.js";
import type { AuthorRecord } from "../../api/types.js";
import { useServices } from "../../app/services-context.js";
import { Empty, ErrorText, Loading } from "../../ui/status.js";
import { TextField } from "../../ui/text-field.js";
import { useEditor } from "./editor.js";
import { DeleteControl, EditForm, SavedNote } from "./form-bits.js";

const touchesAuthors = (key: readonly unknown[]) => ["authors", "author", "manage-authors"].includes(String(key[0]));

/** "New author" (field "Name") or an author's edit form. */
function AuthorForm({ author, onSaved }: { author?: AuthorRecord; onSaved: (text: string) => void }) {
  const { api } = useServices();
  const queryClient = useQueryClient();
  const editor = useEditor(author ? `author:${author.id}` : "new-author");
  const [name, setName] = useState(author?.name ?? "");
  const save = useMutation({
    mutationFn: () =>
      author
        ? call(
            api.PUT("/api/v1/authors/{id}", {
              params: { path: { id: author.id } },
              body: { name, biography: author.biography, birthDate: author.birthDate, nationality: author.nationality },
            }),
          )
        : call(api.POST("/api/v1/authors", { body: { name } })),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ predicate: (q) => touchesAuthors(q.queryKey) });
      onSaved(author ? `Saved the author ${saved.name}.` : `Added the author ${saved.name}.`);
      editor.close();
    },
  });
  return (
    <EditForm
      title={author ? `Edit ${author.name}` : "New author"}
      pending={save.isPending}
      error={save.error}
      onSave={() => save.mutate()}
      onCancel={editor.close}
    >
      <TextField label="Name" name="name" required value={name} onChange={setName} problem={fieldProblems(save.error).name} />
    </EditForm>
  );
}

function AuthorRow({ author, onSaved }: { author: AuthorRecord; onSaved: (text: string) => void }) {
  const { api } = useServices();
  const queryClient = useQueryClient();
  const editor = useEditor(`author:${author.id}`);
  return (
    <li className="record">
      <span className="record-name">{author.name}</span>
      <div className="actions">
        <button type="button" className="secondary" aria-expanded={editor.isOpen} onClick={editor.open}>
          Edit <span className="visually-hidden">{author.name}</span>
        </button>
        <DeleteControl
          what={author.name}
          onDelete={() => call(api.DELETE("/api/v1/authors/{id}", { params: { path: { id: author.id } } }))}
          onDeleted={() => {
            onSaved(`Deleted the author ${author.name}.`);
            void queryClient.invalidateQueries({ predicate: (q) => touchesAuthors(q.queryKey) });
          }}
        />
      </div>
      {editor.isOpen ? <AuthorForm author={author} onSaved={onSaved} /> : null}
    </li>
  );
}

/** Authors: "New author", then the list (by name), each with Edit and Delete. */
export function AuthorsSection() {
  const { api } = useServices();
  const editor = useEditor("new-author");
  const [note, setNote] = useState("");
  const authors = useInfiniteQuery({
    queryKey: ["manage-authors"],
    initialPageParam: "",
    queryFn: ({ pageParam }) =>
      call(api.GET("/api/v1/authors", { params: { query: { pageSize: 50, ...(pageParam ? { pageToken: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.nextPageToken || undefined,
  });
  const list = authors.data?.pages.flatMap((p) => p.authors) ?? [];
  return (
    <section id="authors">
      <h2 id="authors-heading">Authors</h2>
      <button type="button" aria-expanded={editor.isOpen} onClick={editor.open}>
        New author
      </button>
      {editor.isOpen ? <AuthorForm onSaved={setNote} /> : null}
      <SavedNote text={note} />
      {authors.isPending ? <Loading what="authors" /> : null}
      {authors.isError ? <ErrorText sentences={errorSentences(authors.error)} /> : null}
      {authors.isSuccess && list.length === 0 ? <Empty>No authors yet.</Empty> : null}
      {list.length > 0 ? (
        <ul className="records">
          {list.map((a) => (
            <AuthorRow key={a.id} author={a} onSaved={setNote} />
          ))}
        </ul>
      ) : null}
      {authors.hasNextPage ? (
        <button type="button" className="secondary" onClick={() => void authors.fetchNextPage()} disabled={authors.isFetchingNextPage}>
          {authors.isFetchingNextPage ? "Loading…" : "Show more authors"}
        </button>
      ) : null}
    </section>
  );
}
