// Loading, empty and error states, the same on every screen. Errors are always sentences.
import type { ReactNode } from "react";

export function Loading({ what }: { what: string }) {
  return (
    <p className="status" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="status empty">{children}</p>;
}

export function ErrorText({ sentences }: { sentences: string[] }) {
  return (
    <div className="error" role="alert">
      {sentences.map((s) => (
        <p key={s}>{s}</p>
      ))}
    </div>
  );
}
