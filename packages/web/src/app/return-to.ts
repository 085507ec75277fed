// Sign-in and create-account pages send the person back to the page they came from.
import { useLocation } from "react-router";

/** Link state for a link to /sign-in or /register from the current page. */
export function useReturnHere(): { from: string } {
  const location = useLocation();
  return { from: location.pathname + location.search };
}

/** Where to go after signing in: the page the person came from (only a path of this app), else the catalogue. */
export function useReturnTo(): string {
  const state: unknown = useLocation().state;
  const from = typeof state === "object" && state !== null && "from" in state ? state.from : undefined;
  return typeof from === "string" &&
    from.startsWith("/") &&
    !from.startsWith("//") &&
    !from.startsWith("/sign-in") &&
    !from.startsWith("/register")
    ? from
    : "/";
}
