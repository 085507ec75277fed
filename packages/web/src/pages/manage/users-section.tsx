import { useInfiniteQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { call } from "../../api/client.js";
import { errorSentences } from "../../api/errors.js";
import type { User } from "../../api/types.js";
import { usePrincipal, useServices } from "../../app/services-context.js";
import { hasRole } from "../../session/principal.js";
import { Empty, ErrorText, Loading } from "../../ui/status.js";
import { useEditor } from "./editor.js";
import { SavedNote } from "./form-bits.js";
import { ROLE_TEXT, UserForm } from "./user-form.js";

function UserRow({ user }: { user: User }) {
  const editor = useEditor(`user:${user.id}`);
  return (
    <tr>
      <td>{user.name}</td>
      <td>{user.email}</td>
      <td>{user.cardNumber}</td>
      <td>{ROLE_TEXT[user.role]}</td>
      <td>{user.patronGroup}</td>
      <td>
        <button type="button" className="secondary" aria-expanded={editor.isOpen} onClick={editor.open}>
          Edit <span className="visually-hidden">{user.name}</span>
        </button>
      </td>
    </tr>
  );
}

function OpenUserEditor({ user, canChangeRole, onSaved }: { user: User; canChangeRole: boolean; onSaved: (text: string) => void }) {
  const editor = useEditor(`user:${user.id}`);
  return editor.isOpen ? <UserForm user={user} canChangeRole={canChangeRole} onSaved={onSaved} /> : null;
}

/** Users (ListUsers by email, name or card number): card number, role, patron group; group changes; roles by admins. */
export function UsersSection() {
  const { api } = useServices();
  const canChangeRole = hasRole(usePrincipal(), "admin");
  const [text, setText] = useState("");
  const [q, setQ] = useState("");
  const [note, setNote] = useState("");
  const users = useInfiniteQuery({
    queryKey: ["users", q],
    initialPageParam: "",
    queryFn: ({ pageParam }) =>
      call(
        api.GET("/api/v1/users", {
          params: { query: { pageSize: 20, ...(q ? { q } : {}), ...(pageParam ? { pageToken: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextPageToken || undefined,
  });
  const list = users.data?.pages.flatMap((p) => p.users) ?? [];
  const search = (event: FormEvent) => {
    event.preventDefault();
    setQ(text.trim());
  };
  return (
    <section id="users">
      <h2>Users</h2>
      <form className="search-row manage-search" onSubmit={search}>
        <label htmlFor="manage-user-search" className="visually-hidden">
          Search users
        </label>
        <input
          id="manage-user-search"
          type="search"
          placeholder="Email, name or card number"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="secondary">
          Search users
        </button>
      </form>
      {canChangeRole ? null : <p className="hint">Only administrators can change roles.</p>}
      <SavedNote text={note} />
      {users.isPending ? <Loading what="users" /> : null}
      {users.isError ? <ErrorText sentences={errorSentences(users.error)} /> : null}
      {users.isSuccess && list.length === 0 ? <Empty>{q ? `No users match “${q}”.` : "No users yet."}</Empty> : null}
      {list.length > 0 ? (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Card number</th>
                <th scope="col">Role</th>
                <th scope="col">Patron group</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.map((u) => (
                <UserRow key={u.id} user={u} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {list.map((u) => (
        <OpenUserEditor key={u.id} user={u} canChangeRole={canChangeRole} onSaved={setNote} />
      ))}
      {users.hasNextPage ? (
        <button type="button" className="secondary" onClick={() => void users.fetchNextPage()} disabled={users.isFetchingNextPage}>
          {users.isFetchingNextPage ? "Loading…" : "Show more users"}
        </button>
      ) : null}
    </section>
  );
}
