import { Link, useNavigate } from "react-router";
import { useReturnTo } from "../../app/return-to.js";
import { usePrincipal } from "../../app/services-context.js";
import { SignInForm } from "./sign-in-form.js";

export default function SignInPage() {
  const navigate = useNavigate();
  const principal = usePrincipal();
  const returnTo = useReturnTo();
  return (
    <section className="page narrow">
      <title>Sign in · Library</title>
      <h1>Sign in</h1>
      {principal ? (
        <p>You are signed in as {principal.email}.</p>
      ) : (
        <SignInForm onSignedIn={() => void navigate(returnTo, { replace: true })} />
      )}
      <p>
        New here?{" "}
        <Link to="/register" state={{ from: returnTo }}>
          Create an account
        </Link>
        .
      </p>
    </section>
  );
}
