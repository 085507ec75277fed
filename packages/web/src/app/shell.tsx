import { Suspense, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { Link, Outlet, useLocation, useNavigate } from "react-router";
import { errorSentences } from "../api/errors.js";
import { SignInDialog } from "../session/sign-in-dialog.js";
import { ErrorText, Loading } from "../ui/status.js";
import { MainNav } from "./nav.js";
import { useReturnHere } from "./return-to.js";
import { usePrincipal, useServices } from "./services-context.js";

function AccountControls() {
  const principal = usePrincipal();
  const { session, queryClient } = useServices();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>();
  const here = useReturnHere();
  if (!principal) {
    return (
      <div className="account">
        <Link to="/sign-in" state={here}>
          Sign in
        </Link>
        <Link to="/register" state={here}>
          Create account
        </Link>
      </div>
    );
  }
  const logOut = async () => {
    try {
      await session.logout();
    } catch (e) {
      setError(e);
    }
    // Nothing of the previous person's data stays in the cache.
    queryClient.clear();
    await navigate("/");
  };
  return (
    <div className="account">
      <span className="who" title={principal.role}>
        {principal.email}
      </span>
      <button type="button" onClick={() => void logOut()}>
        Log out
      </button>
      {error ? <ErrorText sentences={errorSentences(error)} /> : null}
    </div>
  );
}

/** Header with the app name, nav and account controls around the current screen. */
export function Shell() {
  const { signIn } = useServices();
  // While the sign-in dialog is up, the page behind it is inert (kept, but out of reach).
  const dialogOpen = useSyncExternalStore(signIn.subscribe, () => signIn.isOpen);
  const main = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  const firstPage = useRef(true);
  // After a page change, keyboard and screen-reader users start at the new page, not the old link,
  // unless the page put focus in itself (the desk starts in its Patron field; page effects run first).
  useEffect(() => {
    if (firstPage.current) {
      firstPage.current = false;
      return;
    }
    if (!main.current?.contains(document.activeElement)) main.current?.focus();
  }, [pathname]);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header" inert={dialogOpen}>
        <Link to="/" className="app-name">
          Library
        </Link>
        <MainNav />
        <AccountControls />
      </header>
      <main id="main" ref={main} tabIndex={-1} inert={dialogOpen}>
        <Suspense fallback={<Loading what="page" />}>
          <Outlet />
        </Suspense>
      </main>
      <SignInDialog />
    </>
  );
}
