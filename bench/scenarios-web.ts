import type { HttpPlan } from "./http-load.js";
import { type BenchContext, pickRandom, type Scenario, tailTarget } from "./scenario.js";

/** GetBook on a random seeded book, over REST: the same plan for both ways of sending it. */
const getBookPlan = (ctx: BenchContext): HttpPlan => ({
  requestsFor: () => [() => ({ method: "GET", path: `/api/v1/books/${pickRandom(ctx.bookIds)}` })],
});

/**
 * The web origin's cost (DESIGN.md §9, issue 18: "the forwarding origin adds ≤ 1 ms p50 to a
 * REST call"): GetBook through the origin, measured interleaved with GetBook straight to the
 * book service, which is its baseline column. At one client the p50 difference is the hop
 * alone (no queueing); at more clients the tail goal applies as for every read.
 */
export const webScenarios: Scenario[] = [
  {
    id: "web-getbook",
    name: "GetBook via web origin",
    unit: "req/s",
    callsPerOp: 1,
    // Not used: `reference` stands in for a baseline (run.ts, measure.ts).
    baseline: { REST: "fastify+pg", gRPC: "connect+pg" },
    targets: (_t, clients) => (clients === 1 ? [{ kind: "added-p50", maxMs: 1 }] : tailTarget(clients)),
    rest: (ctx) => ({ baseUrl: ctx.stack.webUrl, plan: getBookPlan(ctx) }),
    reference: (ctx) => ({ name: "GetBook direct", baseUrl: ctx.stack.http.book, plan: getBookPlan(ctx) }),
  },
];
