import { Link } from "react-router";

export function NotFoundPage() {
  return (
    <section className="page">
      <title>Page not found · Library</title>
      <h1>Page not found</h1>
      <p>
        There is no page at this address. <Link to="/">Go to the catalogue</Link>.
      </p>
    </section>
  );
}
