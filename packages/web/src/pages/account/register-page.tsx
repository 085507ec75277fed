import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { ApiError, errorSentences } from "../../api/errors.js";
import { useReturnTo } from "../../app/return-to.js";
import { useServices } from "../../app/services-context.js";
import { ErrorText } from "../../ui/status.js";
import { TextField } from "../../ui/text-field.js";

/** "Create account" with "Name", "Email", "Password" (DESIGN §9); signs the new member in. */
export default function RegisterPage() {
  const { auth, session } = useServices();
  const navigate = useNavigate();
  const returnTo = useReturnTo();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const fields = error instanceof ApiError ? error.fields : {};

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await auth.register(name, email, password);
      await session.login(email, password);
      await navigate(returnTo, { replace: true });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <section className="page narrow">
      <title>Create account · Library</title>
      <h1>Create account</h1>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <TextField label="Name" name="name" autoComplete="name" required value={name} onChange={setName} problem={fields.name} />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={setEmail}
          problem={fields.email}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={setPassword}
          problem={fields.password}
        />
        <p className="hint">At least 8 characters; common passwords are refused.</p>
        {error ? <ErrorText sentences={errorSentences(error)} /> : null}
        <button type="submit" disabled={busy}>
          {busy ? "Creating account…" : "Create account"}
        </button>
      </form>
    </section>
  );
}
