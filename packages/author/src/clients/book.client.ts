import { BookService } from "@lms/gen/library/book/v1/book_pb";
import { createServiceClient } from "@lms/platform";
import type { BookCatalog } from "../domain/author.service.js";

/** The book service as the author service uses it: one server-key-protected count, with a deadline. */
export function createBookCatalogClient(opts: { address: string; serverKey: string; timeoutMs: number }): BookCatalog {
  const client = createServiceClient(BookService, { ...opts, peer: "book service", idempotent: ["CountAuthorBooks"] });
  return {
    async countBooksByAuthor(authorId) {
      return (await client.countAuthorBooks({ authorId })).count;
    },
  };
}
