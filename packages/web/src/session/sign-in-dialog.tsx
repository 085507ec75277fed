import { useEffect, useId, useRef, useSyncExternalStore } from "react";
import { useServices } from "../app/services-context.js";
import { SignInForm } from "../pages/account/sign-in-form.js";

/**
 * Shown over the current page when a call answers 401: the page stays mounted underneath, so
 * nothing typed is lost, and the call is retried once the person has signed in.
 */
export function SignInDialog() {
  const { signIn } = useServices();
  const open = useSyncExternalStore(signIn.subscribe, () => signIn.isOpen);
  const titleId = useId();
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    // Focus moves into the dialog, and back to where the person was when it closes.
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    ref.current?.querySelector("input")?.focus();
    return () => before?.focus();
  }, [open]);

  if (!open) return null;
  return (
    <div className="dialog-backdrop">
      <div
        ref={ref}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={(e) => {
          if (e.key === "Escape") signIn.settle(false);
        }}
      >
        <h2 id={titleId}>Sign in to continue</h2>
        <p>Your session has ended. Sign in again and we will carry on where you were.</p>
        <SignInForm onSignedIn={() => signIn.settle(true)} />
        <button type="button" className="secondary" onClick={() => signIn.settle(false)}>
          Cancel
        </button>
      </div>
    </div>
  );
}
