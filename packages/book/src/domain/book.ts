/** A title in the catalogue, with its copies, as the domain sees it. */
export interface Book {
  id: string;
  title: string;
  /** ISBN-13, digits only. */
  isbn: string;
  authorId: string;
  /** Category ids, as the category service links them (sorted); [] when none. */
  categoryIds: string[];
  publisher: string;
  /** Year of publication; 0 when unknown. */
  publishedYear: number;
  language: string;
  description: string;
  totalCopies: number;
  availableCopies: number;
  createdAt: Date;
  updatedAt: Date;
  /** Selects the book's loan policy (DESIGN.md §8); "standard" unless set. */
  loanType: string;
  /** `updated_at` in microseconds since the epoch (PostgreSQL's precision), the basis of the ETag. */
  version: string;
}

/** The writable fields of a book (CreateBook and UpdateBook take the same set). */
export type BookFields = Pick<
  Book,
  "title" | "isbn" | "authorId" | "categoryIds" | "publisher" | "publishedYear" | "language" | "description" | "totalCopies" | "loanType"
>;

/** The fields stored in this service's own table: everything but the category links. */
export type StoredBookFields = Omit<BookFields, "categoryIds">;
