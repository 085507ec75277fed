import { setTimeout as sleep } from "node:timers/promises";
import { BookService } from "@lms/gen/library/book/v1/book_pb";
import type { LoopClient } from "./call-loop.js";
import { callMetadata, grpcCallers } from "./grpc-load.js";
import { postJson } from "./http-load.js";
import { checkInvariants, returnOpenLoans } from "./invariants.js";
import { type BenchContext, type Scenario, tailTarget } from "./scenario.js";
import { hotBookIndexes } from "./seed.js";
import { SERVER_KEY } from "./stack.js";

/**
 * The books client `i` of `clients` borrows in turn, starting at a random place. "many":
 * each client its own slice of the product's half of the catalogue (no two clients ever
 * want the same book: low contention); "hot": every client the same book.
 */
export function booksOfClient(ctx: BenchContext, contention: "many" | "hot", i: number, clients: number): string[] {
  if (contention === "hot") return [ctx.bookIds[hotBookIndexes(ctx.config.sizes).product]];
  return bookIndexesOfClient(ctx, i, clients).map((j) => ctx.bookIds[j]);
}

/** Indexes of the books of client `i`'s slice of the product's half of the catalogue, from a random place. */
export function bookIndexesOfClient(ctx: BenchContext, i: number, clients: number): number[] {
  const per = Math.floor(Math.floor(ctx.bookIds.length / 2) / clients);
  const slice = Array.from({ length: per }, (_, k) => i * per + k);
  const offset = Math.floor(Math.random() * slice.length);
  return [...slice.slice(offset), ...slice.slice(0, offset)];
}

/** Every book a circulation run of `contention` may touch (for the invariant check). */
export function booksTouched(ctx: BenchContext, contention: "many" | "hot"): string[] {
  return contention === "hot" ? booksOfClient(ctx, "hot", 0, 1) : ctx.bookIds.slice(0, Math.floor(ctx.bookIds.length / 2));
}

/** A borrow → return (or check-out → check-in) cycle over `items`, one after another. */
export function cycle<T>(books: readonly T[]) {
  let k = -1;
  return {
    next() {
      k = (k + 1) % books.length;
      return books[k];
    },
    current: () => books[k],
  };
}

/** After each run: let in-flight transactions finish, check the invariants, then return what a cut-off pair left open. */
export async function afterCirculationRun(ctx: BenchContext, label: string, contention: "many" | "hot"): Promise<void> {
  await sleep(300);
  ctx.checks.push(await checkInvariants(ctx.bookDb, label, booksTouched(ctx, contention)));
  await returnOpenLoans(
    ctx.bookDb,
    ctx.members.map((m) => m.userId),
  );
}

function circulation(contention: "many" | "hot"): Scenario {
  return {
    id: `borrow-${contention}`,
    name: contention === "many" ? "Borrow+Return, many books" : "Borrow+Return, one hot book",
    unit: "pairs/s",
    callsPerOp: 2,
    baseline:
      contention === "many"
        ? { REST: "pg txn, many books", gRPC: "pg txn, many books" }
        : { REST: "pg txn, hot book", gRPC: "pg txn, hot book" },
    targets: (_t, clients) => [...(contention === "many" ? [{ kind: "ratio", min: 0.5 } as const] : []), ...tailTarget(clients)],
    rest(ctx, clients) {
      return {
        baseUrl: ctx.stack.http.book,
        plan: {
          requestsFor(i) {
            const { token } = ctx.members[i];
            const books = cycle(booksOfClient(ctx, contention, i, clients));
            return [
              () => postJson(`/api/v1/books/${books.next()}/borrow`, {}, token),
              () => postJson(`/api/v1/books/${books.current()}/return`, {}, token),
            ];
          },
        },
      };
    },
    grpc(ctx, clients): LoopClient[] {
      return grpcCallers(ctx.stack.grpc.book, clients, (i) => callMetadata(SERVER_KEY, ctx.members[i].token)).map((client, i) => {
        const books = cycle(booksOfClient(ctx, contention, i, clients));
        let borrowed = false;
        return {
          next() {
            borrowed = !borrowed;
            return borrowed
              ? client.call(BookService.method.borrowBook, { id: books.next() })
              : client.call(BookService.method.returnBook, { id: books.current() });
          },
        };
      });
    },
    afterRun: (ctx, label) => afterCirculationRun(ctx, label, contention),
  };
}

/** BorrowBook + ReturnBook pairs, each pair by one member, on many books and on one hot book. */
export const circulationScenarios: Scenario[] = [circulation("many"), circulation("hot")];
