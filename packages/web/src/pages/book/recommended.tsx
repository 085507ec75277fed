import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { call } from "../../api/client.js";
import { errorSentences } from "../../api/errors.js";
import { useServices } from "../../app/services-context.js";
import { availabilityText } from "../../ui/format.js";
import { Empty, ErrorText, Loading } from "../../ui/status.js";

/** The "Recommended" section (GetBookRecommendations). */
export function Recommended({ bookId }: { bookId: string }) {
  const { api } = useServices();
  const recommended = useQuery({
    queryKey: ["recommendations", bookId],
    queryFn: async () =>
      (await call(api.GET("/api/v1/books/{id}/recommendations", { params: { path: { id: bookId }, query: { limit: 6 } } }))).books,
  });
  return (
    <section aria-labelledby="recommended-heading">
      <h2 id="recommended-heading">Recommended</h2>
      {recommended.isPending ? <Loading what="recommendations" /> : null}
      {recommended.isError ? <ErrorText sentences={errorSentences(recommended.error)} /> : null}
      {recommended.data?.length === 0 ? <Empty>No recommendations yet.</Empty> : null}
      {recommended.data?.length ? (
        <ul className="book-list compact">
          {recommended.data.map((b) => (
            <li key={b.id} className="book-card">
              <Link to={`/books/${b.id}`}>{b.title}</Link>
              <span className="muted">{availabilityText(b.availableCopies, b.totalCopies)}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
