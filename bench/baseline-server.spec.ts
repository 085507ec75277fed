import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import type { ServiceProcess } from "@lms/cli/service-process";
import { BookSchema, BookService, GetBookRequestSchema } from "@lms/gen/library/book/v1/book_pb";
import { migrateUp, migrationsDirOf, REPO_ROOT } from "@lms/platform";
import { createTestDatabase, type TestDatabase } from "@lms/platform/testing/test-database";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../tests/e2e/support/ports.js";
import { callMetadata, grpcCallers } from "./grpc-load.js";
import { startLogged } from "./process.js";

const BOOK = "6e14b18c-f935-4549-909e-49c91c363265";
const MISSING = "0b7e3f5e-7d1a-4c3e-9a57-1f6f3b1e2a10";

/** GetBook on a grpc-js client, answering the decoded Book or the status code of the failure. */
function getBook(address: string, id: string): Promise<{ title: string; availableCopies: number } | grpc.status> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const request = Buffer.from(toBinary(GetBookRequestSchema, create(GetBookRequestSchema, { id })));
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      `/${BookService.typeName}/GetBook`,
      (b: Buffer) => b,
      (b: Buffer) => b,
      request,
      new grpc.Metadata(),
      (err, answer) => {
        client.close();
        resolve(err ? err.code : fromBinary(BookSchema, answer as Buffer));
      },
    );
  });
}

// The baseline server as the bench runs it: its own process on a database with the book
// service's schema, one seeded book, all three faces answering GetBook by primary key.
describe("the baseline server", () => {
  let database: TestDatabase;
  let baseline: ServiceProcess | undefined;
  let logDir = "";
  const ports = { http: 0, grpc: 0, grpcJs: 0 };

  beforeAll(async () => {
    database = await createTestDatabase("bench_baseline_spec");
    const pool = new pg.Pool({ connectionString: database.url });
    try {
      await migrateUp(pool, migrationsDirOf("book"));
      await pool.query(
        `insert into books (id, title, isbn, author_id, total_copies, available_copies)
         values ($1, 'River Garden', '9780000000001', $2, 3, 2)`,
        [BOOK, MISSING],
      );
    } finally {
      await pool.end();
    }
    ports.http = await freePort();
    ports.grpc = await freePort();
    ports.grpcJs = await freePort();
    logDir = await mkdtemp(join(tmpdir(), "bench-baseline-spec-"));
    baseline = await startLogged({
      name: "baseline",
      entry: join(REPO_ROOT, "bench", "baseline-server.ts"),
      env: {
        DATABASE_URL: database.url as string,
        HTTP_PORT: String(ports.http),
        GRPC_PORT: String(ports.grpc),
        GRPCJS_PORT: String(ports.grpcJs),
        DB_MAX_OPEN_CONNS: "2",
      },
      logFile: join(logDir, "baseline.log"),
      readyUrl: `http://127.0.0.1:${ports.http}/readyz`,
    });
  }, 60_000);

  afterAll(async () => {
    await baseline?.stop();
    await database?.drop();
    if (logDir) await rm(logDir, { recursive: true, force: true });
  });

  it("answers GetBook on the bare grpc-js server with the row, and NOT_FOUND for an unknown id", async () => {
    const address = `127.0.0.1:${ports.grpcJs}`;
    expect(await getBook(address, BOOK)).toMatchObject({ title: "River Garden", availableCopies: 2 });
    expect(await getBook(address, MISSING)).toBe(grpc.status.NOT_FOUND);
  });

  it("answers the same on the Connect server, and the bench's callers count both as they should", async () => {
    expect(await getBook(`127.0.0.1:${ports.grpc}`, BOOK)).toMatchObject({ title: "River Garden", availableCopies: 2 });
    for (const port of [ports.grpc, ports.grpcJs]) {
      const [caller] = grpcCallers(`127.0.0.1:${port}`, 1, () => callMetadata());
      expect(await caller.call(BookService.method.getBook, { id: BOOK })).toBe("ok");
      await expect(caller.call(BookService.method.getBook, { id: MISSING })).rejects.toThrow(/NOT_FOUND/);
    }
  });

  it("answers the row over REST", async () => {
    const res = await fetch(`http://127.0.0.1:${ports.http}/books/${BOOK}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: BOOK, title: "River Garden", available_copies: 2 });
  });
});
