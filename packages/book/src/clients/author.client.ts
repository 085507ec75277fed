import { AuthorService } from "@lms/gen/library/author/v1/author_pb";
import { createServiceClient } from "@lms/platform";
import type { AuthorDirectory } from "../domain/ports.js";

/** The author service as the catalogue uses it: one server-key-protected batch read, with a deadline and retries. */
export function createAuthorDirectoryClient(opts: { address: string; serverKey: string; timeoutMs: number }): AuthorDirectory {
  const client = createServiceClient(AuthorService, { ...opts, peer: "author service", idempotent: ["BatchGetAuthors"] });
  return {
    async existingAuthorIds(ids) {
      if (ids.length === 0) return new Set();
      return new Set((await client.batchGetAuthors({ ids })).authors.map((a) => a.id));
    },
  };
}
