import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { call } from "../../api/client.js";
import { fieldProblems } from "../../api/errors.js";
import type { User } from "../../api/types.js";
import { useServices } from "../../app/services-context.js";
import { TextField } from "../../ui/text-field.js";
import { useEditor } from "./editor.js";
import { EditForm } from "./form-bits.js";

export type RoleName = User["role"];
export const ROLE_TEXT: Record<RoleName, string> = {
  ROLE_UNSPECIFIED: "Unknown",
  ROLE_MEMBER: "Member",
  ROLE_LIBRARIAN: "Librarian",
  ROLE_ADMIN: "Admin",
};
const ROLES: RoleName[] = ["ROLE_MEMBER", "ROLE_LIBRARIAN", "ROLE_ADMIN"];

/**
 * A user's patron group (UpdateUser with updateMask "patronGroup", librarians and admins) and,
 * for admins only, their role (SetUserRole); librarians get no role control at all.
 */
export function UserForm({ user, canChangeRole, onSaved }: { user: User; canChangeRole: boolean; onSaved: (text: string) => void }) {
  const { api } = useServices();
  const queryClient = useQueryClient();
  const editor = useEditor(`user:${user.id}`);
  const roleId = useId();
  const [group, setGroup] = useState(user.patronGroup);
  const [role, setRole] = useState<RoleName>(user.role);
  const save = useMutation({
    mutationFn: async () => {
      const changes: string[] = [];
      if (group.trim() !== user.patronGroup) {
        await call(
          api.PATCH("/api/v1/users/{id}", {
            params: { path: { id: user.id } },
            body: { patronGroup: group.trim(), updateMask: "patronGroup" },
          }),
        );
        changes.push(`patron group ${group.trim()}`);
      }
      if (canChangeRole && role !== user.role) {
        await call(api.PUT("/api/v1/auth/users/{userId}/role", { params: { path: { userId: user.id } }, body: { role } }));
        changes.push(`role ${ROLE_TEXT[role]}`);
      }
      return changes;
    },
    onSettled: () => void queryClient.invalidateQueries({ predicate: (q) => ["users", "user"].includes(String(q.queryKey[0])) }),
    onSuccess: (changes) => {
      onSaved(changes.length ? `Saved ${user.name}: ${changes.join(" and ")}.` : `Nothing to change for ${user.name}.`);
      editor.close();
    },
  });
  const problems = fieldProblems(save.error);
  return (
    <EditForm title={`Edit ${user.name}`} pending={save.isPending} error={save.error} onSave={() => save.mutate()} onCancel={editor.close}>
      <TextField
        label="Patron group"
        name="patronGroup"
        hint="Loan policies are chosen by it, e.g. default, student, staff."
        value={group}
        onChange={setGroup}
        problem={problems.patronGroup}
      />
      {canChangeRole ? (
        <div className="field">
          <label htmlFor={roleId}>Role</label>
          <select id={roleId} value={role} onChange={(e) => setRole(e.target.value as RoleName)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_TEXT[r]}
              </option>
            ))}
          </select>
        </div>
      ) : null}
    </EditForm>
  );
}
