// Small REST records for specs, complete as the generated types require.
import type { Book, Loan } from "../api/types.js";

export function aBook(id: string, title: string, copies = { available: 1, total: 2 }): Book {
  return {
    id,
    title,
    isbn: "9780000000002",
    authorId: "a1",
    categoryIds: [],
    publisher: "Parnassus",
    publishedYear: 1968,
    language: "en",
    description: "",
    totalCopies: copies.total,
    availableCopies: copies.available,
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    loanType: "standard",
  };
}

export function aLoan(id: string, bookId: string, dueAt: string, returnedAt: string | null = null): Loan {
  return {
    id,
    bookId,
    userId: "user-1",
    borrowedAt: "2026-11-01T10:00:00Z",
    dueAt,
    returnedAt,
    copyId: `copy-${id}`,
    barcode: `C${id}`,
    renewalCount: 0,
  };
}
