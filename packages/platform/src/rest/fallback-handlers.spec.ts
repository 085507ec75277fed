import { BookService } from "@lms/gen/library/book/v1/book_pb";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerFallbackHandlers } from "./fallback-handlers.js";
import { httpRoutesOf } from "./http-rules.js";

let app: FastifyInstance;

beforeAll(async () => {
  const routes = httpRoutesOf([BookService]);
  app = Fastify();
  for (const r of routes) app.route({ method: r.verb, url: r.url, handler: async () => ({}) });
  registerFallbackHandlers(app, routes);
  await app.ready();
});

afterAll(() => app.close());

describe("registerFallbackHandlers", () => {
  it("answers an unknown path with 404 and code UNIMPLEMENTED", async () => {
    const res = await app.inject({ method: "GET", url: "/api/v1/nothing?x=1" });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 12, message: "no route for GET /api/v1/nothing", details: [] });
  });

  it("answers a known path with the wrong verb with 405 and the allowed verbs", async () => {
    const res = await app.inject({ method: "POST", url: "/api/v1/books/b1" });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe("GET, PUT, PATCH, DELETE");
    expect(res.json()).toMatchObject({ code: 12, details: [] });
  });

  it("lists a verb once even when several routes share a path", async () => {
    const res = await app.inject({ method: "DELETE", url: "/api/v1/books" });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe("POST, GET");
  });
});
