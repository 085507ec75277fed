import { type FormEvent, useState } from "react";
import { errorSentences } from "../../api/errors.js";
import { useServices } from "../../app/services-context.js";
import { ErrorText } from "../../ui/status.js";
import { TextField } from "../../ui/text-field.js";

/** "Email", "Password", "Log in" (DESIGN §9); used by the sign-in page and the sign-in dialog. */
export function SignInForm({ onSignedIn }: { onSignedIn?: () => void }) {
  const { session } = useServices();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await session.login(email, password);
      onSignedIn?.();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
      <TextField label="Email" name="email" type="email" autoComplete="username" required value={email} onChange={setEmail} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={setPassword}
      />
      {error ? <ErrorText sentences={errorSentences(error)} /> : null}
      <button type="submit" disabled={busy}>
        {busy ? "Logging in…" : "Log in"}
      </button>
    </form>
  );
}
