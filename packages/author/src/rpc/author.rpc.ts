import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  type Author as AuthorMessage,
  AuthorSchema,
  type AuthorService,
  BatchGetAuthorsResponseSchema,
  DeleteAuthorResponseSchema,
  ListAuthorsResponseSchema,
} from "@lms/gen/library/author/v1/author_pb";
import type { AccessTable } from "@lms/platform";
import type pg from "pg";
import type { Author } from "../domain/author.js";
import * as authors from "../domain/author.service.js";

/** Who may call each method (DESIGN.md §4, Author). */
export const authorAccess: AccessTable = {
  CreateAuthor: "librarian",
  GetAuthor: "anyone",
  UpdateAuthor: "librarian",
  DeleteAuthor: "librarian",
  ListAuthors: "anyone",
  BatchGetAuthors: "service",
};

/** Domain author → proto message (the one mapping at this border). */
export function toProto(a: Author): AuthorMessage {
  return create(AuthorSchema, {
    id: a.id,
    name: a.name,
    biography: a.biography,
    birthDate: a.birthDate,
    nationality: a.nationality,
    createdAt: timestampFromDate(a.createdAt),
    updatedAt: timestampFromDate(a.updatedAt),
  });
}

/** The one implementation of AuthorService, mounted on gRPC and REST alike. */
export function createAuthorRpc(pool: pg.Pool, books: authors.BookCatalog): ServiceImpl<typeof AuthorService> {
  return {
    async createAuthor(req) {
      return toProto(await authors.createAuthor(pool, req));
    },
    async getAuthor(req) {
      return toProto(await authors.getAuthor(pool, req.id));
    },
    async updateAuthor(req) {
      return toProto(await authors.updateAuthor(pool, req.id, req));
    },
    async deleteAuthor(req) {
      await authors.deleteAuthor(pool, books, req.id);
      return create(DeleteAuthorResponseSchema);
    },
    async listAuthors(req) {
      const page = await authors.listAuthors(pool, req);
      return create(ListAuthorsResponseSchema, {
        authors: page.authors.map(toProto),
        nextPageToken: page.nextPageToken,
        totalSize: page.totalSize,
      });
    },
    async batchGetAuthors(req) {
      return create(BatchGetAuthorsResponseSchema, { authors: (await authors.batchGetAuthors(pool, req.ids)).map(toProto) });
    },
  };
}
