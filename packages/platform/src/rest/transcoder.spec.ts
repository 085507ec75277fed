import { Code, type HandlerContext } from "@connectrpc/connect";
import { BookService } from "@lms/gen/library/book/v1/book_pb";
import Fastify, { type FastifyInstance } from "fastify";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createErrorInterceptor } from "../errors/error.interceptor.js";
import { failedPrecondition } from "../errors/errors.js";
import { bindService, createInvoker } from "../grpc/invoker.js";
import { httpRoutesOf } from "./http-rules.js";
import { registerTranscodedRoutes } from "./transcoder.js";

const BOOK_ID = "0b6f3a52-3c1d-4f55-9a53-8f1e2c7d9a10";

/** What the fake BookService received, last call first. */
let received: { req: unknown; header: Headers }[] = [];
function record(req: unknown, ctx: HandlerContext): void {
  received.unshift({ req, header: ctx.requestHeader });
}
function answer<T>(req: unknown, ctx: HandlerContext, response: T): T {
  record(req, ctx);
  return response;
}

let app: FastifyInstance;

beforeAll(async () => {
  const invoker = createInvoker(
    [
      // Only the methods under test are real; the others answer UNIMPLEMENTED.
      bindService(BookService, {
        listBooks: (req, ctx) => answer(req, ctx, { totalSize: 1 }),
        getBook: (req, ctx) => answer(req, ctx, { id: req.id, title: "Dune" }),
        createBook: (req, ctx) => answer(req, ctx, { id: BOOK_ID, title: req.title, authorId: req.authorId }),
        updateBook: (req, ctx) => answer(req, ctx, { id: req.id, title: req.title }),
        borrowBook(req, ctx) {
          record(req, ctx);
          const refused = failedPrecondition("NO_COPIES_AVAILABLE", "no copy of the book is available", { bookId: req.id });
          // As a recorded refusal given again for its Idempotency-Key comes out of the handler.
          if (ctx.requestHeader.get("idempotency-key") === "retried") refused.metadata.set("idempotency-replayed", "true");
          throw refused;
        },
        returnBook() {
          throw new Error('relation "loans" does not exist');
        },
      }),
    ],
    [createErrorInterceptor(pino({ level: "silent" }))],
  );
  app = Fastify();
  registerTranscodedRoutes(app, httpRoutesOf([BookService]), invoker);
  await app.ready();
});

afterAll(() => app.close());

beforeEach(() => {
  received = [];
});

const lastRequest = () => received[0]?.req;

describe("registerTranscodedRoutes", () => {
  it("binds query parameters (camelCase or snake_case) with their proto types", async () => {
    const res = await app.inject({ method: "GET", url: "/api/v1/books?pageSize=5&available=true&orderBy=title&author_id=a1" });
    expect(res.statusCode).toBe(200);
    expect(lastRequest()).toMatchObject({ pageSize: 5, available: true, orderBy: "title", authorId: "a1" });
  });

  it("leaves an optional boolean unset when the query omits it", async () => {
    await app.inject({ method: "GET", url: "/api/v1/books" });
    expect((lastRequest() as { available?: boolean }).available).toBeUndefined();
  });

  it("lets the path parameter win over an id in the body", async () => {
    const res = await app.inject({ method: "PUT", url: `/api/v1/books/${BOOK_ID}`, payload: { id: "someone-else", title: "Dune" } });
    expect(res.statusCode).toBe(200);
    expect(lastRequest()).toMatchObject({ id: BOOK_ID, title: "Dune" });
  });

  it("accepts snake_case body keys", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/api/v1/books",
      payload: { title: "Dune", author_id: "a1", category_ids: ["c1"] },
    });
    expect(res.statusCode).toBe(200);
    expect(lastRequest()).toMatchObject({ title: "Dune", authorId: "a1", categoryIds: ["c1"] });
  });

  it("emits fields at their default value in the answer", async () => {
    const res = await app.inject({ method: "GET", url: `/api/v1/books/${BOOK_ID}` });
    expect(res.json()).toMatchObject({ id: BOOK_ID, title: "Dune", availableCopies: 0, totalCopies: 0, categoryIds: [], isbn: "" });
    const list = await app.inject({ method: "GET", url: "/api/v1/books" });
    expect(list.json()).toEqual({ books: [], nextPageToken: "", totalSize: 1 });
  });

  it.each([
    ["an unknown query parameter", "GET", "/api/v1/books?colour=red", undefined, "colour"],
    ["a query parameter on a whole-body route", "POST", "/api/v1/books?title=x", {}, "title"],
    ["a path field repeated in the query", "GET", `/api/v1/books/${BOOK_ID}?id=x`, undefined, "id"],
    ["a boolean that is neither true nor false", "GET", "/api/v1/books?available=maybe", undefined, "available"],
    ["a number that is not one", "GET", "/api/v1/books?pageSize=lots", undefined, "pageSize"],
    ["an unknown body key", "POST", "/api/v1/books", { title: "x", colour: "red" }, "colour"],
    ["a body value of the wrong type", "POST", "/api/v1/books", { totalCopies: "many" }, "totalCopies"],
    ["a body that is not an object", "POST", "/api/v1/books", ["x"], "body"],
  ] as const)("refuses %s with 400 naming the field", async (_what, method, url, payload, field) => {
    const res = await app.inject({ method, url, ...(payload === undefined ? {} : { payload }) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: Code.InvalidArgument,
      details: [{ "@type": "type.googleapis.com/google.rpc.BadRequest", fieldViolations: [expect.objectContaining({ field })] }],
    });
    expect(received).toEqual([]);
  });

  it("answers a refused precondition with 400 and the ErrorInfo of DESIGN §3", async () => {
    const res = await app.inject({ method: "POST", url: `/api/v1/books/${BOOK_ID}/borrow`, payload: {} });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      code: 9,
      message: "no copy of the book is available",
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "NO_COPIES_AVAILABLE",
          domain: "library.book.v1",
          metadata: { bookId: BOOK_ID },
        },
      ],
    });
  });

  it("forwards Idempotency-Key and marks a refusal given again with Idempotency-Replayed", async () => {
    const url = `/api/v1/books/${BOOK_ID}/borrow`;
    const first = await app.inject({ method: "POST", url, payload: {}, headers: { "idempotency-key": "first" } });
    expect([received[0].header.get("idempotency-key"), first.headers["idempotency-replayed"]]).toEqual(["first", undefined]);
    const again = await app.inject({ method: "POST", url, payload: {}, headers: { "Idempotency-Key": "retried" } });
    expect([again.statusCode, again.headers["idempotency-replayed"], again.json().code]).toEqual([400, "true", 9]);
  });

  it("answers a bug with 500 and leaks nothing", async () => {
    const res = await app.inject({ method: "POST", url: `/api/v1/books/${BOOK_ID}/return`, payload: {} });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ code: 13, message: "internal error", details: [] });
  });

  it("answers an unimplemented method with 501", async () => {
    const res = await app.inject({ method: "DELETE", url: `/api/v1/books/${BOOK_ID}` });
    expect(res.statusCode).toBe(501);
    expect(res.json().code).toBe(Code.Unimplemented);
  });

  it("forwards the caller's authorization and no server key, not even one the caller sent (REST callers are not peers)", async () => {
    await app.inject({
      method: "GET",
      url: `/api/v1/books/${BOOK_ID}`,
      headers: { authorization: "Bearer abc.def.ghi", "x-server-key": "spoofed" },
    });
    const { header } = received[0];
    expect(header.get("x-server-key")).toBeNull();
    expect(header.get("authorization")).toBe("Bearer abc.def.ghi");
  });
});
