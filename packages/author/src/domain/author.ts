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
}

/** The writable fields of an author. */
export type AuthorFields = Pick<Author, "name" | "biography" | "birthDate" | "nationality">;
