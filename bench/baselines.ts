import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ServiceProcess } from "@lms/cli/service-process";
import { BookService } from "@lms/gen/library/book/v1/book_pb";
import { REPO_ROOT } from "@lms/platform";
import pg from "pg";
import { freePort } from "../tests/e2e/support/ports.js";
import { type LoopClient, runCallLoop } from "./call-loop.js";
import { borrowTransaction, returnTransaction, type SqlOutcome } from "./circulation-sql.js";
import { checkInTransaction, checkOutTransaction } from "./desk-sql.js";
import { grpcCallers } from "./grpc-load.js";
import { runHttp } from "./http-load.js";
import { checkInvariants, returnOpenLoans } from "./invariants.js";
import { startLogged } from "./process.js";
import { type BaselineName, type BenchContext, pickRandom } from "./scenario.js";
import { hotBookIndexes } from "./seed.js";
import { copiesOf, seedBarcode } from "./seed-circulation.js";
import type { RunResult } from "./stats.js";

/** The product's default pool size (DB_MAX_OPEN_CONNS), used by every baseline too. */
const POOL_SIZE = 10;

/** The baseline server process (bench/baseline-server.ts) and the raw-SQL pool. */
export interface Baselines {
  process: ServiceProcess;
  /** One measured run of `name` at `clients` for `durationMs`; `afterRun` checks and cleans up circulation. */
  run(name: BaselineName, clients: number, durationMs: number): Promise<RunResult>;
  afterRun(name: BaselineName, label: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the bare Fastify, Connect and grpc-js servers on book_db and opens the raw-SQL pool. */
export async function startBaselines(ctx: BenchContext, logDir: string): Promise<Baselines> {
  const httpPort = await freePort();
  const grpcPort = await freePort();
  const grpcJsPort = await freePort();
  const server = await startLogged({
    name: "baseline",
    entry: join(REPO_ROOT, "bench", "baseline-server.ts"),
    env: {
      DATABASE_URL: ctx.stack.databaseUrl.book,
      HTTP_PORT: String(httpPort),
      GRPC_PORT: String(grpcPort),
      GRPCJS_PORT: String(grpcJsPort),
      DB_MAX_OPEN_CONNS: String(POOL_SIZE),
    },
    logFile: join(logDir, "baseline.log"),
    readyUrl: `http://127.0.0.1:${httpPort}/readyz`,
  });
  const sqlPool = new pg.Pool({ connectionString: ctx.stack.databaseUrl.book, max: POOL_SIZE });
  // Raw-SQL borrowers are made-up users: the baseline needs no accounts, only distinct ids.
  const sqlUsers = Array.from({ length: Math.max(...ctx.config.clients) }, () => randomUUID());
  const hot = hotBookIndexes(ctx.config.sizes);
  const half = Math.floor(ctx.bookIds.length / 2);
  // Indexes of the baseline's half of the catalogue (the product's scenarios take the first half).
  const manyBooks = Array.from({ length: hot.baseline - half }, (_, k) => half + k);

  /** Client `i` of `clients` alternates `first` and `second` over its own slice of the baseline's books (or the hot book). */
  const sqlClients = (
    clients: number,
    contention: "many" | "hot",
    first: (book: number, user: string) => Promise<SqlOutcome>,
    second: (book: number, user: string) => Promise<SqlOutcome>,
  ): LoopClient[] =>
    Array.from({ length: clients }, (_, i) => {
      const per = Math.floor(manyBooks.length / clients);
      const books = contention === "hot" ? [hot.baseline] : manyBooks.slice(i * per, (i + 1) * per);
      let k = Math.floor(Math.random() * books.length);
      let firstNext = true;
      return {
        async next() {
          if (firstNext) k = (k + 1) % books.length;
          const outcome = await (firstNext ? first : second)(books[k], sqlUsers[i]);
          firstNext = !firstNext;
          if (outcome !== "ok") throw new Error(`raw SQL refused: ${outcome}`);
          return "ok";
        },
      };
    });
  const borrowPairs = (clients: number, contention: "many" | "hot") =>
    sqlClients(
      clients,
      contention,
      (book, user) => borrowTransaction(sqlPool, ctx.bookIds[book], user),
      (book, user) => returnTransaction(sqlPool, ctx.bookIds[book], user),
    );
  // The desk checks out each book's last copy, on the shelf at rest (as scenarios-desk.ts does).
  const barcodeOf = (book: number) => seedBarcode(book, copiesOf(book, hot.baseline));
  const deskPairs = (clients: number) =>
    sqlClients(
      clients,
      "many",
      (book, user) => checkOutTransaction(sqlPool, barcodeOf(book), user),
      (book) => checkInTransaction(sqlPool, barcodeOf(book)),
    );

  return {
    process: server,
    run(name, clients, durationMs) {
      switch (name) {
        case "fastify+pg":
          return runHttp(`http://127.0.0.1:${httpPort}`, clients, durationMs, {
            requestsFor: () => [() => ({ method: "GET", path: `/books/${pickRandom(ctx.bookIds)}` })],
          });
        case "connect+pg":
        case "grpc-js+pg": {
          const port = name === "connect+pg" ? grpcPort : grpcJsPort;
          const loop = grpcCallers(`127.0.0.1:${port}`, clients).map((client) => ({
            next: () => client.call(BookService.method.getBook, { id: pickRandom(ctx.bookIds) }),
          }));
          return runCallLoop(loop, durationMs);
        }
        case "pg txn, many books":
          return runCallLoop(borrowPairs(clients, "many"), durationMs, 2);
        case "pg txn, hot book":
          return runCallLoop(borrowPairs(clients, "hot"), durationMs, 2);
        case "pg txn, desk":
          return runCallLoop(deskPairs(clients), durationMs, 2);
      }
    },
    async afterRun(name, label) {
      if (!name.startsWith("pg txn")) return;
      await sleep(100);
      const books = name === "pg txn, hot book" ? [ctx.bookIds[hot.baseline]] : manyBooks.map((j) => ctx.bookIds[j]);
      ctx.checks.push(await checkInvariants(ctx.bookDb, label, books));
      await returnOpenLoans(ctx.bookDb, sqlUsers);
    },
    async stop() {
      await sqlPool.end();
      await server.stop();
    },
  };
}
