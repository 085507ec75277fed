import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  type Author as AuthorMessage,
  AuthorSchema,
  type AuthorService,
  BatchGetAuthorsResponseSchema,
  DeleteAuthorResponseSchema,
  ListAuthorsResponseSchema,
} from "@lms/gen/library/author/v1/author_pb";
import { ETAG_HEADER, IF_MATCH_HEADER, inTransaction, maskedFields, pickFields } from "@lms/platform";
import type pg from "pg";
import type { Author } from "../domain/author.js";
import * as authors from "../domain/author.service.js";

/** Where REST finds what CreateAuthor created (answered 201 with this `Location`). */
export const authorLocations = { CreateAuthor: "/api/v1/authors/{id}" } as const;

/** The fields PatchAuthor may change, and the ones it ignores (AIP-134 / AIP-203). */
const AUTHOR_MASK = { writable: ["name", "biography", "birth_date", "nationality"], outputOnly: ["id", "created_at", "updated_at"] };

/** Answers `author` with its ETag (gRPC response metadata, REST header). */
function tagged(author: Author, ctx: HandlerContext): AuthorMessage {
  ctx.responseHeader.set(ETAG_HEADER, authors.authorEtag(author));
  return toProto(author);
}

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
    async createAuthor(req, ctx) {
      return tagged(await authors.createAuthor(pool, req), ctx);
    },
    async getAuthor(req, ctx) {
      return tagged(await authors.getAuthor(pool, req.id), ctx);
    },
    async updateAuthor(req, ctx) {
      const ifMatch = ctx.requestHeader.get(IF_MATCH_HEADER);
      return tagged(await inTransaction(pool, (tx) => authors.updateAuthor(tx, req.id, req, ifMatch)), ctx);
    },
    async patchAuthor(req, ctx) {
      const names = maskedFields(AuthorSchema, req.author, req.updateMask, AUTHOR_MASK);
      const patch = pickFields(req.author ?? create(AuthorSchema), names);
      const ifMatch = ctx.requestHeader.get(IF_MATCH_HEADER);
      return tagged(await inTransaction(pool, (tx) => authors.patchAuthor(tx, req.id, patch, ifMatch)), ctx);
    },
    async deleteAuthor(req, ctx) {
      const ifMatch = ctx.requestHeader.get(IF_MATCH_HEADER);
      await inTransaction(pool, (tx) => authors.deleteAuthor(tx, books, req.id, ifMatch));
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
