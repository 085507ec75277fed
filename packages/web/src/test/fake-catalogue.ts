// The catalogue side of the staff API in memory (authors, categories, books, copies), mounted on a
// FakeApi: enough of DESIGN §4/§8 for the Manage specs to create, edit, delete and be refused.
import type { AuthorRecord, Book, CategoryRecord, Copy, CopyStatus } from "../api/types.js";
import { type FakeApi, type Handler, json } from "./fake-api.js";
import { body, denied, NOW, newId, notFound, refusal, violation } from "./fake-staff.js";

type BookInput = Partial<Book> & { title?: string; isbn?: string; authorId?: string };

export class FakeCatalogue {
  readonly authors: AuthorRecord[] = [];
  readonly categories: CategoryRecord[] = [];
  readonly books: Book[] = [];
  readonly copies: Copy[] = [];

  constructor(private readonly api: FakeApi) {
    this.mountAuthors();
    this.mountCategories();
    this.mountBooks();
    this.mountCopies();
  }

  addAuthor(name: string): AuthorRecord {
    const a = { id: newId("author"), name, biography: "", birthDate: "", nationality: "", createdAt: NOW, updatedAt: NOW };
    this.authors.push(a);
    return a;
  }

  addCategory(name: string, parentId = ""): CategoryRecord {
    const c = { id: newId("category"), name, description: "", parentId, createdAt: NOW, updatedAt: NOW };
    this.categories.push(c);
    return c;
  }

  addBook(input: BookInput): Book {
    const id = newId("book");
    const book: Book = {
      id,
      title: input.title ?? "Untitled",
      isbn: input.isbn ?? "9780000000002",
      authorId: input.authorId ?? "",
      categoryIds: input.categoryIds ?? [],
      publisher: input.publisher ?? "",
      publishedYear: input.publishedYear ?? 0,
      language: input.language ?? "",
      description: input.description ?? "",
      totalCopies: 0,
      availableCopies: 0,
      loanType: input.loanType ?? "standard",
      createdAt: NOW,
      updatedAt: NOW,
    };
    this.books.push(book);
    this.addCopies(id, input.totalCopies ?? 0);
    return book;
  }

  addCopies(bookId: string, count: number, status: CopyStatus = "COPY_STATUS_AVAILABLE"): Copy[] {
    const added = Array.from({ length: count }, (_, i) => {
      const n = this.copies.length + i + 1;
      return { id: newId("copy"), bookId, barcode: `C${String(n).padStart(11, "0")}`, status, createdAt: NOW, updatedAt: NOW };
    });
    this.copies.push(...added);
    this.recount(bookId);
    return added;
  }

  recount(bookId: string): void {
    const book = this.books.find((b) => b.id === bookId);
    if (!book) return;
    const mine = this.copies.filter((c) => c.bookId === bookId);
    book.totalCopies = mine.filter((c) => c.status === "COPY_STATUS_AVAILABLE" || c.status === "COPY_STATUS_ON_LOAN").length;
    book.availableCopies = mine.filter((c) => c.status === "COPY_STATUS_AVAILABLE").length;
  }

  /** A librarian+ route: 401/403 before any change. */
  private write(method: string, path: string, handler: Handler): void {
    this.api.on(method, path, (req, params) => denied(this.api, req) ?? handler(req, params));
  }

  private mountAuthors(): void {
    const api = this.api;
    api.on("GET", "/api/v1/authors", (req) => {
      const q = (req.query.get("q") ?? "").toLowerCase();
      const authors = this.authors.filter((a) => a.name.toLowerCase().includes(q));
      return json(200, { authors, nextPageToken: "", totalSize: authors.length });
    });
    api.on("GET", "/api/v1/authors/{id}", (_req, { id }) => {
      const a = this.authors.find((x) => x.id === id);
      return a ? json(200, a) : notFound("author");
    });
    this.write("POST", "/api/v1/authors", (req) => {
      const { name = "" } = body<{ name?: string }>(req);
      if (!name.trim()) return violation("name", "is required");
      return json(201, this.addAuthor(name.trim()));
    });
    this.write("PUT", "/api/v1/authors/{id}", (req, { id }) => {
      const a = this.authors.find((x) => x.id === id);
      const { name = "" } = body<{ name?: string }>(req);
      if (!name.trim()) return violation("name", "is required");
      return a ? json(200, Object.assign(a, { name })) : notFound("author");
    });
    this.write("DELETE", "/api/v1/authors/{id}", (_req, { id }) => {
      if (this.books.some((b) => b.authorId === id)) return refusal("AUTHOR_HAS_BOOKS");
      const i = this.authors.findIndex((x) => x.id === id);
      if (i >= 0) this.authors.splice(i, 1);
      return json(200, {});
    });
  }

  private mountCategories(): void {
    const api = this.api;
    api.on("GET", "/api/v1/categories", () =>
      json(200, { categories: this.categories, nextPageToken: "", totalSize: this.categories.length }),
    );
    this.write("POST", "/api/v1/categories", (req) => {
      const { name = "", parentId = "" } = body<{ name?: string; parentId?: string }>(req);
      if (!name.trim()) return violation("name", "is required");
      return json(201, this.addCategory(name.trim(), parentId));
    });
    this.write("PUT", "/api/v1/categories/{id}", (req, { id }) => {
      const c = this.categories.find((x) => x.id === id);
      const { name = "", parentId = "" } = body<{ name?: string; parentId?: string }>(req);
      return c ? json(200, Object.assign(c, { name, parentId })) : notFound("category");
    });
    this.write("DELETE", "/api/v1/categories/{id}", (_req, { id }) => {
      if (this.categories.some((c) => c.parentId === id)) return refusal("CATEGORY_HAS_CHILDREN");
      const i = this.categories.findIndex((x) => x.id === id);
      if (i >= 0) this.categories.splice(i, 1);
      return json(200, {});
    });
  }

  private mountBooks(): void {
    const api = this.api;
    api.on("GET", "/api/v1/books", (req) => {
      const q = (req.query.get("q") ?? "").toLowerCase();
      const books = this.books.filter((b) => b.title.toLowerCase().includes(q) || b.isbn.includes(q));
      return json(200, { books, nextPageToken: "", totalSize: books.length });
    });
    api.on("GET", "/api/v1/books/{id}", (_req, { id }) => {
      const b = this.books.find((x) => x.id === id);
      return b ? json(200, b) : notFound("book");
    });
    this.write("POST", "/api/v1/books", (req) => {
      const input = body<BookInput>(req);
      if (!/^[0-9-]{10,17}$/.test(input.isbn ?? "")) return violation("isbn", "must be an ISBN-10 or ISBN-13 with a valid checksum");
      if (!this.authors.some((a) => a.id === input.authorId)) return violation("authorId", "must name an existing author");
      return json(201, this.addBook(input));
    });
    this.write("PUT", "/api/v1/books/{id}", (req, { id = "" }) => {
      const b = this.books.find((x) => x.id === id);
      if (!b) return notFound("book");
      const { totalCopies, ...rest } = body<BookInput>(req);
      Object.assign(b, rest);
      if (totalCopies !== undefined && totalCopies > b.totalCopies) this.addCopies(id, totalCopies - b.totalCopies);
      return json(200, b);
    });
    this.write("DELETE", "/api/v1/books/{id}", (_req, { id }) => {
      if (this.copies.some((c) => c.bookId === id && c.status === "COPY_STATUS_ON_LOAN")) return refusal("BOOK_HAS_OPEN_LOANS");
      const i = this.books.findIndex((x) => x.id === id);
      if (i >= 0) this.books.splice(i, 1);
      return json(200, {});
    });
  }

  private mountCopies(): void {
    const api = this.api;
    api.on("GET", "/api/v1/books/{bookId}/copies", (_req, { bookId }) =>
      json(200, { copies: this.copies.filter((c) => c.bookId === bookId) }),
    );
    this.write("POST", "/api/v1/books/{bookId}/copies", (req, { bookId = "" }) => {
      const { count = 0 } = body<{ count?: number }>(req);
      if (count < 1 || count > 1000) return violation("count", "must be between 1 and 1000");
      return json(200, { copies: this.addCopies(bookId, count) });
    });
    this.write("PATCH", "/api/v1/copies/{id}", (req, { id }) => {
      const c = this.copies.find((x) => x.id === id);
      if (!c) return notFound("copy");
      if (c.status === "COPY_STATUS_ON_LOAN") return refusal("COPY_ON_LOAN");
      c.status = body<{ status: CopyStatus }>(req).status;
      this.recount(c.bookId);
      return json(200, c);
    });
  }
}
