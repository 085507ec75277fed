import { BookService } from "@lms/gen/library/book/v1/book_pb";
import { rest } from "@lms/platform/testing/rest-client";
import type { LoopClient } from "./call-loop.js";
import { callMetadata, grpcCallers } from "./grpc-load.js";
import { getJson, postJson } from "./http-load.js";
import { returnOpenLoans } from "./invariants.js";
import { type BenchContext, pickRandom, type Scenario, type Targets, tailTarget } from "./scenario.js";
import { afterCirculationRun, bookIndexesOfClient, cycle } from "./scenarios-circulation.js";
import { hotBookIndexes } from "./seed.js";
import { copiesOf, seedBarcode } from "./seed-circulation.js";
import { SERVER_KEY } from "./stack.js";

/**
 * The barcodes client `i` checks out in turn: the last copy of each book of its slice (the
 * same slices as BorrowBook's), which is on the shelf whenever no run is going: a seeded open
 * loan holds a book's first copy, and only books with two or more copies have one.
 */
export function deskBarcodesOfClient(ctx: BenchContext, i: number, clients: number): string[] {
  const hotFrom = hotBookIndexes(ctx.config.sizes).baseline;
  return bookIndexesOfClient(ctx, i, clients).map((j) => seedBarcode(j, copiesOf(j, hotFrom)));
}

/** CheckOut by barcode to a member's card number, then CheckIn of that barcode: a librarian's pair at the desk. */
const deskPair: Scenario = {
  id: "checkout-many",
  name: "CheckOut+CheckIn, many copies",
  unit: "pairs/s",
  callsPerOp: 2,
  baseline: { REST: "pg txn, desk", gRPC: "pg txn, desk" },
  targets: (_t, clients) => [{ kind: "ratio", min: 0.5 }, ...tailTarget(clients)],
  rest(ctx, clients) {
    return {
      baseUrl: ctx.stack.http.book,
      plan: {
        requestsFor(i) {
          const patron = ctx.members[i].cardNumber;
          const copies = cycle(deskBarcodesOfClient(ctx, i, clients));
          return [
            () => postJson("/api/v1/circulation/check-out", { barcode: copies.next(), patron }, ctx.staffToken),
            () => postJson("/api/v1/circulation/check-in", { barcode: copies.current() }, ctx.staffToken),
          ];
        },
      },
    };
  },
  grpc(ctx, clients): LoopClient[] {
    const metadata = callMetadata(SERVER_KEY, ctx.staffToken);
    return grpcCallers(ctx.stack.grpc.book, clients, () => metadata).map((client, i) => {
      const patron = ctx.members[i].cardNumber;
      const copies = cycle(deskBarcodesOfClient(ctx, i, clients));
      let out = false;
      return {
        next() {
          out = !out;
          return out
            ? client.call(BookService.method.checkOut, { barcode: copies.next(), patron })
            : client.call(BookService.method.checkIn, { barcode: copies.current() });
        },
      };
    });
  },
  afterRun: (ctx, label) => afterCirculationRun(ctx, label, "many"),
};

/** Loans each member renews in turn: with 99 renewals each (seed-circulation.ts), enough for any run. */
const LOANS_PER_RENEWER = 20;

/** The loans of the renewal rows, client by client, opened by setUp. */
let renewable: string[][] = [];

/** Opens {@link LOANS_PER_RENEWER} loans for each of the first `clients` members, with BorrowBook over REST. */
async function openLoansToRenew(ctx: BenchContext, clients: number): Promise<void> {
  renewable = await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      const ids: string[] = [];
      for (const j of bookIndexesOfClient(ctx, i, clients).slice(0, LOANS_PER_RENEWER)) {
        const res = await rest<{ loan?: { id: string } }>(ctx.stack.http.book, "POST", `/api/v1/books/${ctx.bookIds[j]}/borrow`, {
          body: {},
          token: ctx.members[i].token,
        });
        if (res.status !== 200 || !res.body.loan) throw new Error(`renewal set-up: borrow HTTP ${res.status} ${JSON.stringify(res.body)}`);
        ids.push(res.body.loan.id);
      }
      return ids;
    }),
  );
}

const p50Target: Targets = (_t, clients) => [...(clients === 1 ? [{ kind: "p50", maxMs: 5 } as const] : []), ...tailTarget(clients)];

/** RenewLoan of a member's own loans, one after another. */
const renew: Scenario = {
  id: "renew",
  name: "RenewLoan",
  unit: "req/s",
  callsPerOp: 1,
  baseline: { REST: "fastify+pg", gRPC: "connect+pg" },
  targets: p50Target,
  rest: (ctx) => ({
    baseUrl: ctx.stack.http.book,
    plan: {
      requestsFor(i) {
        const loans = cycle(renewable[i]);
        return [() => postJson(`/api/v1/loans/${loans.next()}/renew`, {}, ctx.members[i].token)];
      },
    },
  }),
  grpc: (ctx, clients) =>
    grpcCallers(ctx.stack.grpc.book, clients, (i) => callMetadata(SERVER_KEY, ctx.members[i].token)).map((client, i) => {
      const loans = cycle(renewable[i]);
      return { next: () => client.call(BookService.method.renewLoan, { id: loans.next() }) };
    }),
  setUp: openLoansToRenew,
  // Bench housekeeping between runs, not product behaviour: the count starts again, so no run meets the limit.
  async afterRun(ctx) {
    await ctx.bookDb.query("update loans set renewal_count = 0 where id = any($1::uuid[])", [renewable.flat()]);
  },
  async tearDown(ctx) {
    await returnOpenLoans(
      ctx.bookDb,
      ctx.members.map((m) => m.userId),
    );
    renewable = [];
  },
};

/** CheckBorrow ("may I borrow this?") of a random book, as the member asking. */
const checkBorrow: Scenario = {
  id: "checkborrow",
  name: "CheckBorrow",
  unit: "req/s",
  callsPerOp: 1,
  baseline: { REST: "fastify+pg", gRPC: "connect+pg" },
  targets: p50Target,
  rest: (ctx) => ({
    baseUrl: ctx.stack.http.book,
    plan: { requestsFor: (i) => [() => getJson(`/api/v1/books/${pickRandom(ctx.bookIds)}/eligibility`, ctx.members[i].token)] },
  }),
  grpc: (ctx, clients) =>
    grpcCallers(ctx.stack.grpc.book, clients, (i) => callMetadata(SERVER_KEY, ctx.members[i].token)).map((client) => ({
      next: () => client.call(BookService.method.checkBorrow, { id: pickRandom(ctx.bookIds) }),
    })),
};

/** The desk (DESIGN.md §8): check-out/check-in pairs, renewals and eligibility checks. */
export const deskScenarios: Scenario[] = [deskPair, renew, checkBorrow];
