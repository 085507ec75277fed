import type { ReactNode } from "react";
import { SignInForm } from "../pages/account/sign-in-form.js";
import { hasRole, type Role } from "../session/principal.js";
import { Loading } from "../ui/status.js";
import { usePrincipal, useRestoring, useSessionEnded } from "./services-context.js";

/** Shows `children` to people with `role`; asks others to sign in, or says the page is not for them. */
export function RequireRole({ role, children }: { role: Role; children: ReactNode }) {
  const principal = usePrincipal();
  const restoring = useRestoring();
  // A login that ended mid-task keeps the page, and what was typed, under the sign-in dialog.
  const ended = useSessionEnded();
  if (hasRole(principal, role) || ended) return children;
  if (restoring) return <Loading what="your session" />;
  if (principal) {
    return (
      <section className="page">
        <h1>Not available</h1>
        <p>This page is for {role === "member" ? "signed-in members" : `${role}s`} only.</p>
      </section>
    );
  }
  return (
    <section className="page narrow">
      <h1>Sign in</h1>
      <p>Sign in to see this page.</p>
      <SignInForm />
    </section>
  );
}
