import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { call } from "../../api/client.js";
import { errorSentences } from "../../api/errors.js";
import { useAuthorNames } from "../../api/queries.js";
import type { Book } from "../../api/types.js";
import { useServices } from "../../app/services-context.js";
import { availabilityText } from "../../ui/format.js";
import { Empty, ErrorText, Loading } from "../../ui/status.js";
import { BookCopies } from "./book-copies.js";
import { BookForm, touchesBooks } from "./book-form.js";
import { useEditor } from "./editor.js";
import { DeleteControl, SavedNote } from "./form-bits.js";

function BookRow({ book, authorName, onSaved }: { book: Book; authorName: string | undefined; onSaved: (text: string) => void }) {
  const { api } = useServices();
  const queryClient = useQueryClient();
  const editor = useEditor(`book:${book.id}`);
  const copies = useEditor(`copies:${book.id}`);
  return (
    <li className="record">
      <div className="record-main">
        <Link to={`/books/${book.id}`} className="record-name">
          {book.title}
        </Link>
        <span className="muted">
          {authorName ?? ""} · ISBN {book.isbn} · {availabilityText(book.availableCopies, book.totalCopies)}
        </span>
      </div>
      <div className="actions">
        <button type="button" className="secondary" aria-expanded={editor.isOpen} onClick={editor.open}>
          Edit <span className="visually-hidden">{book.title}</span>
        </button>
        <button type="button" className="secondary" aria-expanded={copies.isOpen} onClick={copies.isOpen ? copies.close : copies.open}>
          Show copies <span className="visually-hidden">of {book.title}</span>
        </button>
        <DeleteControl
          what={book.title}
          onDelete={() => call(api.DELETE("/api/v1/books/{id}", { params: { path: { id: book.id } } }))}
          onDeleted={() => {
            onSaved(`Deleted the book ${book.title}.`);
            void queryClient.invalidateQueries({ predicate: (q) => touchesBooks(q.queryKey) });
          }}
        />
      </div>
      {editor.isOpen ? <BookForm book={book} authorName={authorName} onSaved={onSaved} /> : null}
      {copies.isOpen ? <BookCopies book={book} /> : null}
    </li>
  );
}

/** Books: "New book", a search, and the list with Edit, copies and Delete. */
export function BooksSection() {
  const { api } = useServices();
  const editor = useEditor("new-book");
  const [note, setNote] = useState("");
  const [text, setText] = useState("");
  const [q, setQ] = useState("");
  const books = useInfiniteQuery({
    queryKey: ["manage-books", q],
    initialPageParam: "",
    queryFn: ({ pageParam }) =>
      call(
        api.GET("/api/v1/books", {
          params: { query: { pageSize: 20, orderBy: "title", ...(q ? { q } : {}), ...(pageParam ? { pageToken: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextPageToken || undefined,
  });
  const list = books.data?.pages.flatMap((p) => p.books) ?? [];
  const authors = useAuthorNames(list.map((b) => b.authorId));
  const search = (event: FormEvent) => {
    event.preventDefault();
    setQ(text.trim());
  };
  return (
    <section id="books">
      <h2 id="books-heading">Books</h2>
      <button type="button" aria-expanded={editor.isOpen} onClick={editor.open}>
        New book
      </button>
      {editor.isOpen ? <BookForm onSaved={setNote} /> : null}
      <SavedNote text={note} />
      <form className="search-row manage-search" onSubmit={search}>
        <label htmlFor="manage-book-search" className="visually-hidden">
          Search books
        </label>
        <input id="manage-book-search" type="search" placeholder="Title or ISBN" value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit" className="secondary">
          Search books
        </button>
      </form>
      {books.isPending ? <Loading what="books" /> : null}
      {books.isError ? <ErrorText sentences={errorSentences(books.error)} /> : null}
      {books.isSuccess && list.length === 0 ? <Empty>{q ? `No books match “${q}”.` : "No books yet."}</Empty> : null}
      {list.length > 0 ? (
        <ul className="records">
          {list.map((b) => (
            <BookRow key={b.id} book={b} authorName={authors.get(b.authorId)} onSaved={setNote} />
          ))}
        </ul>
      ) : null}
      {books.hasNextPage ? (
        <button type="button" className="secondary" onClick={() => void books.fetchNextPage()} disabled={books.isFetchingNextPage}>
          {books.isFetchingNextPage ? "Loading…" : "Show more books"}
        </button>
      ) : null}
    </section>
  );
}
