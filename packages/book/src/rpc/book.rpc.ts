import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  type Book as BookMessage,
  BookSchema,
  type BookService,
  BorrowBookResponseSchema,
  CountAuthorBooksResponseSchema,
  DeleteBookResponseSchema,
  GetBookRecommendationsResponseSchema,
  ListBooksResponseSchema,
  ListLoansResponseSchema,
  type Loan as LoanMessage,
  LoanSchema,
  ReturnBookResponseSchema,
} from "@lms/gen/library/book/v1/book_pb";
import {
  bearerTokenKey,
  ETAG_HEADER,
  IF_MATCH_HEADER,
  inIdempotentTransaction,
  inTransaction,
  maskedFields,
  type Principal,
  pickFields,
  principalKey,
  requireUuid,
  type Transaction,
  unauthenticated,
} from "@lms/platform";
import type pg from "pg";
import type { Book } from "../domain/book.js";
import * as books from "../domain/book.service.js";
import type { MaybeDegraded } from "../domain/book-categories.js";
import * as queries from "../domain/book-query.service.js";
import type { Loan, LoanOutcome, LoanRules } from "../domain/loan.js";
import * as loans from "../domain/loan.service.js";
import type { LoanPolicies } from "../domain/loan-policy.cache.js";
import type { PatronLookup } from "../domain/patron-cache.js";
import type { CopyMethods } from "./copy.rpc.js";
import type { DeskMethods } from "./desk.rpc.js";
import { inLinkedTransaction } from "./linked-transaction.js";
import { createLoanPolicyRpc } from "./loan-policy.rpc.js";
import type { RenewalMethods } from "./renewal.rpc.js";

/** What the handlers need besides the pool: the peers, the circulation rules and policies, the recommendation bound. */
export interface BookRpcDeps extends books.CatalogueDeps {
  rules: LoanRules;
  policies: LoanPolicies;
  /** Who borrows: the auth service's users, remembered briefly. */
  patrons: PatronLookup;
  lending: loans.Lending;
  recommendationCandidates: number;
}

/** Where REST finds what CreateBook created (answered 201 with this `Location`). */
export const bookLocations = { CreateBook: "/api/v1/books/{id}" } as const;

/** The fields PatchBook may change, and the ones it ignores (AIP-134 / AIP-203). */
const BOOK_MASK = {
  writable: [
    "title",
    "isbn",
    "author_id",
    "category_ids",
    "publisher",
    "published_year",
    "language",
    "description",
    "total_copies",
    "loan_type",
  ],
  outputOnly: ["id", "available_copies", "created_at", "updated_at"],
};

/** Answers `book` with its ETag (gRPC response metadata, REST header). */
function tagged(book: Book, ctx: HandlerContext): BookMessage {
  ctx.responseHeader.set(ETAG_HEADER, books.bookEtag(book));
  return toProto(book);
}

/** Domain book → proto message (the one mapping at this border). */
export function toProto(b: Book): BookMessage {
  return create(BookSchema, {
    id: b.id,
    title: b.title,
    isbn: b.isbn,
    authorId: b.authorId,
    categoryIds: b.categoryIds,
    publisher: b.publisher,
    publishedYear: b.publishedYear,
    language: b.language,
    description: b.description,
    totalCopies: b.totalCopies,
    availableCopies: b.availableCopies,
    createdAt: timestampFromDate(b.createdAt),
    updatedAt: timestampFromDate(b.updatedAt),
    loanType: b.loanType,
  });
}

/** Domain loan → proto message; `returnedAt` stays absent while the loan is open. */
export function loanToProto(l: Loan): LoanMessage {
  return create(LoanSchema, {
    id: l.id,
    bookId: l.bookId,
    userId: l.userId,
    borrowedAt: timestampFromDate(l.borrowedAt),
    dueAt: timestampFromDate(l.dueAt),
    returnedAt: l.returnedAt && timestampFromDate(l.returnedAt),
    copyId: l.copyId,
    barcode: l.barcode,
    renewalCount: l.renewalCount,
  });
}

/** The one implementation of BookService but its copy, desk and renewal methods (copy.rpc.ts, desk.rpc.ts, renewal.rpc.ts), mounted on gRPC and REST alike. */
export function createBookRpc(
  pool: pg.Pool,
  deps: BookRpcDeps,
): Omit<ServiceImpl<typeof BookService>, CopyMethods | DeskMethods | RenewalMethods> {
  const writeBook = (change: books.BookChange, bearer: string, ifMatch: string | null) =>
    inLinkedTransaction(pool, deps, change.id, (tx) => books.writeBook(tx, deps, change, bearer, ifMatch));
  return {
    ...createLoanPolicyRpc(pool, deps.policies),
    async createBook(req, ctx) {
      const bearer = bearerOf(ctx);
      const book = await books.checkNewBook(deps.authors, req);
      const insert = (tx: Transaction) => books.createBook(tx, deps, book, bearer);
      const created = books.linksNewBook(book) ? await inLinkedTransaction(pool, deps, book.id, insert) : await inTransaction(pool, insert);
      return tagged(created, ctx);
    },
    async getBook(req, ctx) {
      return tagged(markDegraded(ctx, await books.getBook(pool, deps.categories, req.id)), ctx);
    },
    async updateBook(req, ctx) {
      const bearer = bearerOf(ctx);
      const change = await books.checkBookUpdate(pool, deps.categories, req.id, req);
      return tagged(await writeBook(change, bearer, ctx.requestHeader.get(IF_MATCH_HEADER)), ctx);
    },
    async patchBook(req, ctx) {
      const patch = pickFields(req.book ?? create(BookSchema), maskedFields(BookSchema, req.book, req.updateMask, BOOK_MASK));
      const bearer = bearerOf(ctx);
      const change = await books.checkBookPatch(pool, deps.categories, req.id, patch);
      return tagged(await writeBook(change, bearer, ctx.requestHeader.get(IF_MATCH_HEADER)), ctx);
    },
    async deleteBook(req, ctx) {
      const [bearer, ifMatch] = [bearerOf(ctx), ctx.requestHeader.get(IF_MATCH_HEADER)];
      const id = books.checkBookId(req.id);
      await inLinkedTransaction(pool, deps, id, (tx) => books.deleteBook(tx, deps, id, bearer, ifMatch));
      return create(DeleteBookResponseSchema);
    },
    async listBooks(req, ctx) {
      const { degraded, ...page } = await queries.listBooks(pool, deps.categories, req);
      markDegraded(ctx, { value: undefined, degraded });
      return create(ListBooksResponseSchema, { ...page, books: page.books.map(toProto) });
    },
    async borrowBook(req, ctx) {
      const bookId = requireUuid("id", req.id);
      // Asked of the auth service before the transaction, so no connection waits on the network.
      const borrower = await deps.patrons.byId(loans.borrowerOf(callerOf(ctx), req.userId));
      return inIdempotentTransaction(pool, ctx, req, async (tx) =>
        create(BorrowBookResponseSchema, outcomeToProto(await loans.borrowBook(tx, deps.lending, borrower, bookId))),
      );
    },
    async returnBook(req, ctx) {
      const caller = callerOf(ctx);
      return inIdempotentTransaction(pool, ctx, req, async (tx) =>
        create(ReturnBookResponseSchema, outcomeToProto(await loans.returnBook(tx, caller, { bookId: req.id, userId: req.userId }))),
      );
    },
    async getBookRecommendations(req, ctx) {
      const found = await queries.recommendBooks(
        pool,
        deps.categories,
        { bookId: req.id, limit: req.limit },
        deps.recommendationCandidates,
      );
      return create(GetBookRecommendationsResponseSchema, { books: markDegraded(ctx, found).map(toProto) });
    },
    async listLoans(req, ctx) {
      const page = await loans.listLoans(pool, callerOf(ctx), req);
      return create(ListLoansResponseSchema, { ...page, loans: page.loans.map(loanToProto) });
    },
    async countAuthorBooks(req) {
      return create(CountAuthorBooksResponseSchema, { count: await books.countAuthorBooks(pool, req.authorId) });
    },
  };
}

function outcomeToProto(o: LoanOutcome) {
  return { loan: loanToProto(o.loan), availableCopies: o.availableCopies };
}

/**
 * Response header (gRPC: initial metadata) of an answer whose category ids came from the book
 * service's own record because the category service did not answer: `x-degraded: categories`.
 */
export const DEGRADED_HEADER = "x-degraded";

/** Marks the answer degraded when it is; returns its value. */
export function markDegraded<T>(ctx: HandlerContext, answer: MaybeDegraded<T>): T {
  if (answer.degraded) ctx.responseHeader.set(DEGRADED_HEADER, "categories");
  return answer.value;
}

/** The verified caller; the access rule ("member" or stricter) has already required one. */
function callerOf(ctx: HandlerContext): Principal {
  const caller = ctx.values.get(principalKey);
  if (!caller) throw unauthenticated("missing bearer token");
  return caller;
}

/** The caller's token, forwarded to the category service on writes made on the caller's behalf. */
function bearerOf(ctx: HandlerContext): string {
  const token = ctx.values.get(bearerTokenKey);
  if (!token) throw unauthenticated("missing bearer token");
  return token;
}
