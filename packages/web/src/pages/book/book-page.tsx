import { useParams } from "react-router";
import { errorSentences } from "../../api/errors.js";
import { useAuthor, useBook, useItemCategories } from "../../api/queries.js";
import { usePrincipal } from "../../app/services-context.js";
import { hasRole } from "../../session/principal.js";
import { availabilityText } from "../../ui/format.js";
import { ErrorText, Loading } from "../../ui/status.js";
import { BorrowPanel } from "./borrow-panel.js";
import { CopiesTable } from "./copies-table.js";
import { Recommended } from "./recommended.js";

/** One book: title, availability, borrow (or why not), copies for librarians, recommendations. */
export default function BookPage() {
  const { id = "" } = useParams();
  const book = useBook(id);
  const author = useAuthor(book.data?.authorId);
  const categories = useItemCategories(id);
  const principal = usePrincipal();

  if (book.isPending) return <Loading what="book" />;
  if (book.isError) return <ErrorText sentences={errorSentences(book.error)} />;
  const b = book.data;
  const facts: [string, string | number][] = [
    ["Author", author.data?.name ?? ""],
    ["Categories", (categories.data ?? []).map((c) => c.name).join(", ")],
    ["Publisher", b.publisher],
    ["Published", b.publishedYear || ""],
    ["Language", b.language],
    ["ISBN", b.isbn],
  ];
  return (
    <article className="page book-page">
      <title>{`${b.title} · Library`}</title>
      <h1>{b.title}</h1>
      <p className={b.availableCopies > 0 ? "badge ok" : "badge"}>{availabilityText(b.availableCopies, b.totalCopies)}</p>
      <dl className="facts">
        {facts
          .filter(([, v]) => v !== "")
          .map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
      </dl>
      {b.description ? <p className="description">{b.description}</p> : null}
      <BorrowPanel bookId={b.id} />
      {hasRole(principal, "librarian") ? <CopiesTable bookId={b.id} /> : null}
      <Recommended bookId={b.id} />
    </article>
  );
}
