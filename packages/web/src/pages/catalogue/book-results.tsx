import { Link } from "react-router";
import type { Book } from "../../api/types.js";
import { availabilityText } from "../../ui/format.js";
import { Empty } from "../../ui/status.js";

interface BookResultsProps {
  result: { books: Book[]; nextPageToken: string; totalSize: number };
  authorNames: Map<string, string>;
  page: number;
  pageSize: number;
  busy: boolean;
  onNext: () => void;
  onPrevious: () => void;
}

export function BookResults({ result, authorNames, page, pageSize, busy, onNext, onPrevious }: BookResultsProps) {
  if (result.books.length === 0) return <Empty>No books match. Try other words or fewer filters.</Empty>;
  const first = page * pageSize + 1;
  const last = page * pageSize + result.books.length;
  return (
    <div aria-busy={busy}>
      <p className="result-count" aria-live="polite">
        Showing {first}–{last} of {result.totalSize} {result.totalSize === 1 ? "book" : "books"}
      </p>
      <ul className="book-list">
        {result.books.map((book) => (
          <li key={book.id} className="book-card">
            <Link to={`/books/${book.id}`} className="book-title">
              {book.title}
            </Link>
            <span className="muted">{[authorNames.get(book.authorId), book.publishedYear || undefined].filter(Boolean).join(" · ")}</span>
            <span className={book.availableCopies > 0 ? "badge ok" : "badge"}>
              {availabilityText(book.availableCopies, book.totalCopies)}
            </span>
          </li>
        ))}
      </ul>
      <nav className="pager" aria-label="Pages">
        <button type="button" onClick={onPrevious} disabled={page === 0 || busy}>
          Previous page
        </button>
        <span>Page {page + 1}</span>
        <button type="button" onClick={onNext} disabled={!result.nextPageToken || busy}>
          Next page
        </button>
      </nav>
    </div>
  );
}
