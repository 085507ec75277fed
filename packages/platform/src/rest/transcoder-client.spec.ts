import { BookService } from "@lms/gen/library/book/v1/book_pb";
import Fastify, { type FastifyInstance } from "fastify";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createErrorInterceptor } from "../errors/error.interceptor.js";
import { unavailable } from "../errors/errors.js";
import { withRetryAfter } from "../errors/retry-after.js";
import { bindService, createInvoker } from "../grpc/invoker.js";
import { trustedProxySet } from "../net/client-address.js";
import { httpRoutesOf } from "./http-rules.js";
import { registerTranscodedRoutes } from "./transcoder.js";

const BOOK_ID = "0b6f3a52-3c1d-4f55-9a53-8f1e2c7d9a10";
let seen: Headers | undefined;
let app: FastifyInstance;

beforeAll(async () => {
  const invoker = createInvoker(
    [
      bindService(BookService, {
        listBooks: (_req, ctx) => {
          seen = ctx.requestHeader;
          return {};
        },
        getBook() {
          throw withRetryAfter(unavailable("too busy"), 7);
        },
      }),
    ],
    [createErrorInterceptor(pino({ level: "silent" }))],
  );
  app = Fastify();
  registerTranscodedRoutes(app, httpRoutesOf([BookService]), invoker, { trustedProxies: trustedProxySet(["10.0.0.1"]) });
  await app.ready();
});

afterAll(() => app.close());

describe("the REST face's client facts", () => {
  it("tells the handler the socket's address, never one the client sent", async () => {
    await app.inject({
      method: "GET",
      url: "/api/v1/books",
      remoteAddress: "203.0.113.7",
      headers: { "x-client-address": "198.51.100.1", "x-forwarded-for": "198.51.100.2" },
    });
    expect(seen?.get("x-client-address")).toBe("203.0.113.7");
  });

  it("believes X-Forwarded-For from a trusted proxy", async () => {
    await app.inject({ method: "GET", url: "/api/v1/books", remoteAddress: "10.0.0.1", headers: { "x-forwarded-for": "198.51.100.2" } });
    expect(seen?.get("x-client-address")).toBe("198.51.100.2");
  });

  it("answers an error's RetryInfo as a Retry-After header and in the details", async () => {
    const res = await app.inject({ method: "GET", url: `/api/v1/books/${BOOK_ID}` });
    expect(res.statusCode).toBe(503);
    expect(res.headers["retry-after"]).toBe("7");
    expect(res.json().details).toEqual([{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "7s" }]);
  });
});
