/** An author as the domain sees it. */
export interface Author {
  id: string;
  name: string;
  biography: string;
  /** Calendar date YYYY-MM-DD, or "" when unknown. */
  birthDate: string;
  nationality: string;
  createdAt: Date;
  updatedAt: Date;
  /** `updated_at` in microseconds since the epoch (PostgreSQL's precision), the basis of the ETag. */
  version: string;
}

/** The writable fields of an author. */
export type AuthorFields = Pick<Author, "name" | "biography" | "birthDate" | "nationality">;
