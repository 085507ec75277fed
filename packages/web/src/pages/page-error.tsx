import { useRouteError } from "react-router";
import { errorSentences } from "../api/errors.js";
import { ErrorText } from "../ui/status.js";

/** A page that failed to load or render (e.g. a new release replaced its code): words and a way out; the header stays. */
export function PageError() {
  const error = useRouteError();
  const chunkMissing = error instanceof TypeError && /dynamically imported module|Importing a module script failed/i.test(error.message);
  return (
    <section className="page">
      <h1>This page could not be shown</h1>
      <ErrorText sentences={chunkMissing ? ["A newer version of the library app is available."] : errorSentences(error)} />
      <p>
        <button type="button" onClick={() => window.location.reload()}>
          Reload the page
        </button>
      </p>
    </section>
  );
}
