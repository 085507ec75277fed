import { AuthorService } from "@lms/gen/library/author/v1/author_pb";
import { BookService } from "@lms/gen/library/book/v1/book_pb";
import type { LoopClient, Outcome } from "./call-loop.js";
import { callMetadata, type GrpcCaller, grpcCallers } from "./grpc-load.js";
import type { HttpRequestSpec } from "./http-load.js";
import type { Target } from "./report.js";
import { type BenchContext, pickRandom, type Scenario, type Transport, tailTarget } from "./scenario.js";
import { SERVER_KEY } from "./stack.js";
import { TITLE_WORDS } from "./title-words.js";

const READ_BASELINES = { REST: "fastify+pg", gRPC: "connect+pg" } as const;

/** A read-only scenario: one request maker for REST, one call for gRPC, both picking random seeded ids. */
function readScenario(opts: {
  id: string;
  name: string;
  peer: "book" | "author";
  targets: (transport: Transport, clients: number) => Target[];
  request: (ctx: BenchContext) => HttpRequestSpec;
  call: (client: GrpcCaller, ctx: BenchContext) => Promise<Outcome>;
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
      const metadata = callMetadata(SERVER_KEY);
      return grpcCallers(ctx.stack.grpc[opts.peer], clients, () => metadata).map((client) => ({
        next: () => opts.call(client, ctx),
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
    peer: "book",
    targets: (t, c) => [{ kind: "ratio", min: t === "REST" ? 0.6 : 0.7 }, ...tailTarget(c)],
    request: (ctx) => get(`/api/v1/books/${pickRandom(ctx.bookIds)}`),
    call: (client, ctx) => client.call(BookService.method.getBook, { id: pickRandom(ctx.bookIds) }),
  }),
  readScenario({
    id: "listbooks-q",
    name: "ListBooks q=<word>",
    peer: "book",
    targets: latencyTarget(10),
    request: () => get(`/api/v1/books?q=${pickRandom(TITLE_WORDS)}`),
    call: (client) => client.call(BookService.method.listBooks, { q: pickRandom(TITLE_WORDS) }),
  }),
  readScenario({
    id: "listbooks-category",
    name: "ListBooks categoryId orderBy=title",
    peer: "book",
    targets: latencyTarget(10),
    request: (ctx) => get(`/api/v1/books?categoryId=${pickRandom(ctx.categoryIds)}&orderBy=title`),
    call: (client, ctx) => client.call(BookService.method.listBooks, { categoryId: pickRandom(ctx.categoryIds), orderBy: "title" }),
  }),
  readScenario({
    id: "listbooks-order",
    name: "ListBooks orderBy=publishedYear desc",
    peer: "book",
    targets: latencyTarget(10),
    request: () => get("/api/v1/books?orderBy=publishedYear%20desc"),
    call: (client) => client.call(BookService.method.listBooks, { orderBy: "publishedYear desc" }),
  }),
  readScenario({
    id: "recommendations",
    name: "GetBookRecommendations",
    peer: "book",
    targets: latencyTarget(20),
    request: (ctx) => get(`/api/v1/books/${pickRandom(ctx.bookIds)}/recommendations`),
    call: (client, ctx) => client.call(BookService.method.getBookRecommendations, { id: pickRandom(ctx.bookIds) }),
  }),
  readScenario({
    id: "getauthor",
    name: "GetAuthor",
    peer: "author",
    targets: (_t, c) => tailTarget(c),
    request: (ctx) => get(`/api/v1/authors/${pickRandom(ctx.authorIds)}`),
    call: (client, ctx) => client.call(AuthorService.method.getAuthor, { id: pickRandom(ctx.authorIds) }),
  }),
];
