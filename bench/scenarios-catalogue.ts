import type { Client } from "@connectrpc/connect";
import { AuthorService } from "@lms/gen/library/author/v1/author_pb";
import { BookService } from "@lms/gen/library/book/v1/book_pb";
import type { LoopClient } from "./call-loop.js";
import { callHeaders, grpcClients, grpcOutcome } from "./grpc-load.js";
import type { HttpRequestSpec } from "./http-load.js";
import type { Target } from "./report.js";
import { type BenchContext, pickRandom, type Scenario, type Transport, tailTarget } from "./scenario.js";
import { TITLE_WORDS } from "./seed.js";
import { SERVER_KEY } from "./stack.js";

const READ_BASELINES = { REST: "fastify+pg", gRPC: "connect+pg" } as const;

/** A read-only scenario: one request maker for REST, one call for gRPC, both picking random seeded ids. */
function readScenario<S extends typeof BookService | typeof AuthorService>(opts: {
  id: string;
  name: string;
  service: S;
  peer: "book" | "author";
  targets: (transport: Transport, clients: number) => Target[];
  request: (ctx: BenchContext) => HttpRequestSpec;
  call: (client: Client<S>, ctx: BenchContext, headers: ReturnType<typeof callHeaders>) => Promise<unknown>;
}): Scenario {
  return {
    id: opts.id,
    name: opts.name,
    unit: "req/s",
    callsPerOp: 1,
    baseline: READ_BASELINES,
    targets: opts.targets,
    rest: (ctx) => ({ baseUrl: ctx.stack.http[opts.peer], plan: { requestsFor: () => [() => opts.request(ctx)] } }),
    grpc(ctx, clients): LoopClient[] {
      const headers = callHeaders(SERVER_KEY);
      return grpcClients(opts.service, ctx.stack.grpc[opts.peer], clients).map((client) => ({
        next: () => grpcOutcome(opts.call(client, ctx, headers)),
      }));
    },
  };
}

const get = (path: string): HttpRequestSpec => ({ method: "GET", path });

/** p50 ≤ `ms` at one client (service time without queueing), plus the tail goal at 64. */
const latencyTarget = (ms: number) => (_t: Transport, clients: number) =>
  clients === 1 ? [{ kind: "p50", maxMs: ms } as const] : tailTarget(clients);

/** GetBook, ListBooks (three query shapes), GetBookRecommendations and GetAuthor on random seeded rows. */
export const catalogueScenarios: Scenario[] = [
  readScenario({
    id: "getbook",
    name: "GetBook",
    service: BookService,
    peer: "book",
    targets: (t, c) => [{ kind: "ratio", min: t === "REST" ? 0.6 : 0.7 }, ...tailTarget(c)],
    request: (ctx) => get(`/api/v1/books/${pickRandom(ctx.bookIds)}`),
    call: (client, ctx, h) => client.getBook({ id: pickRandom(ctx.bookIds) }, h),
  }),
  readScenario({
    id: "listbooks-q",
    name: "ListBooks q=<word>",
    service: BookService,
    peer: "book",
    targets: latencyTarget(10),
    request: () => get(`/api/v1/books?q=${pickRandom(TITLE_WORDS)}`),
    call: (client, _ctx, h) => client.listBooks({ q: pickRandom(TITLE_WORDS) }, h),
  }),
  readScenario({
    id: "listbooks-category",
    name: "ListBooks categoryId orderBy=title",
    service: BookService,
    peer: "book",
    targets: latencyTarget(10),
    request: (ctx) => get(`/api/v1/books?categoryId=${pickRandom(ctx.categoryIds)}&orderBy=title`),
    call: (client, ctx, h) => client.listBooks({ categoryId: pickRandom(ctx.categoryIds), orderBy: "title" }, h),
  }),
  readScenario({
    id: "listbooks-order",
    name: "ListBooks orderBy=publishedYear desc",
    service: BookService,
    peer: "book",
    targets: latencyTarget(10),
    request: () => get("/api/v1/books?orderBy=publishedYear%20desc"),
    call: (client, _ctx, h) => client.listBooks({ orderBy: "publishedYear desc" }, h),
  }),
  readScenario({
    id: "recommendations",
    name: "GetBookRecommendations",
    service: BookService,
    peer: "book",
    targets: latencyTarget(20),
    request: (ctx) => get(`/api/v1/books/${pickRandom(ctx.bookIds)}/recommendations`),
    call: (client, ctx, h) => client.getBookRecommendations({ id: pickRandom(ctx.bookIds) }, h),
  }),
  readScenario({
    id: "getauthor",
    name: "GetAuthor",
    service: AuthorService,
    peer: "author",
    targets: (_t, c) => tailTarget(c),
    request: (ctx) => get(`/api/v1/authors/${pickRandom(ctx.authorIds)}`),
    call: (client, ctx, h) => client.getAuthor({ id: pickRandom(ctx.authorIds) }, h),
  }),
];
