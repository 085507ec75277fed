import { type ReactNode, useSyncExternalStore } from "react";
import { SignInForm } from "../pages/account/sign-in-form.js";
import { hasRole, type Role } from "../session/principal.js";
import { Loading } from "../ui/status.js";
import { usePrincipal, useRestoring, useServices } from "./services-context.js";

/** Shows `children` to people with `role`; asks others to sign in, or says the page is not for them. */
export function RequireRole({ role, children }: { role: Role; children: ReactNode }) {
  const principal = usePrincipal();
  const restoring = useRestoring();
  const { signIn } = useServices();
  const signingInAgain = useSyncExternalStore(signIn.subscribe, () => signIn.isOpen);
  // A session that ended mid-task keeps the page (and what was typed) under the sign-in dialog.
  if (hasRole(principal, role) || signingInAgain) return children;
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
