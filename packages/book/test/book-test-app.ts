import { createClient } from "@connectrpc/connect";
import { BookService } from "@lms/gen/library/book/v1/book_pb";
import { type RestResult, rest } from "@lms/platform/testing/rest-client";
import { createTestDatabase, type TestDatabase, testServiceEnv } from "@lms/platform/testing/test-database";
import { createTestIssuer, type TestIssuer } from "@lms/platform/testing/test-tokens";
import { buildBookApp } from "../src/app.js";
import { loadBookConfig } from "../src/config.js";
import type { ReconcilerTiming } from "../src/domain/link-reconciler.js";
import { FakeAuthors, FakeCategories, FakePatrons } from "./fake-directories.js";

/** A REST body as the specs read it. */
export type Body = Record<string, unknown> & { code?: number; message?: string; details?: Record<string, unknown>[] };

export const SERVER_KEY = "book-test-key";

/** Call options of a peer service's call: the server key in the metadata. */
export const WITH_SERVER_KEY = { headers: { "x-server-key": SERVER_KEY } };

/** The book service on a fresh database with fake peers, started on port 0, with tokens of each role. */
export interface BookTestApp {
  app: Awaited<ReturnType<typeof buildBookApp>>;
  base: string;
  issuer: TestIssuer;
  librarian: string;
  member: string;
  authors: FakeAuthors;
  categories: FakeCategories;
  /** The auth service as lending asks it: every user exists unless named in `unknown`. */
  patrons: FakePatrons;
  /** A typed in-process client of every method (gRPC-only ones too); pass {@link WITH_SERVER_KEY}. */
  grpc: ReturnType<typeof createClient<typeof BookService>>;
  /** `method path` over REST, as a librarian unless `token` says otherwise ("" = anonymous). */
  call(method: string, path: string, body?: unknown, token?: string): Promise<RestResult<Body>>;
  /** Creates a book by `authorId` as a librarian (title "Items", one copy, unless `fields` say otherwise); throws unless 201. */
  createBook(authorId: string, fields?: Record<string, unknown>): Promise<Body & { id: string; isbn: string }>;
  /** Runs SQL on the service's own database (for loans made by hand and for checks). */
  sql<R extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  stop(): Promise<void>;
}

/** A link reconciler that runs once at start and otherwise only when a spec calls `repairQueued`. */
export const MANUAL_RECONCILER: ReconcilerTiming = { idleMs: 3_600_000, firstRetryMs: 3_600_000, maxRetryMs: 3_600_000 };

/**
 * Builds and starts the service on a new database; `env` adds or overrides variables.
 * The link reconciler runs only when a spec asks (`app.reconciler.repairQueued()`) unless `timing` says otherwise.
 */
export async function startBookTestApp(
  env: Record<string, string> = {},
  timing: ReconcilerTiming = MANUAL_RECONCILER,
): Promise<BookTestApp> {
  const database: TestDatabase = await createTestDatabase("book_it");
  const issuer = await createTestIssuer();
  const { config } = loadBookConfig(
    testServiceEnv(database.url, {
      SERVER_KEY,
      ...env,
    }),
  );
  const authors = new FakeAuthors();
  const categories = new FakeCategories();
  const patrons = new FakePatrons();
  const app = await buildBookApp(config, { verifier: issuer.verifier, authors, categories, patrons, reconcilerTiming: timing });
  const base = `http://127.0.0.1:${(await app.start()).httpPort}`;
  const librarian = await issuer.token("ROLE_LIBRARIAN");
  return {
    app,
    base,
    issuer,
    librarian,
    member: await issuer.token("ROLE_MEMBER"),
    authors,
    categories,
    patrons,
    grpc: createClient(BookService, app.transport),
    call: (method, path, body, token = librarian) => rest<Body>(base, method, path, { body, token }),
    async createBook(authorId, fields = {}) {
      const body = { title: "Items", isbn: nextIsbn(), authorId, totalCopies: 1, ...fields };
      const res = await rest<Body>(base, "POST", "/api/v1/books", { body, token: librarian });
      if (res.status !== 201) throw new Error(`create book: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as Body & { id: string; isbn: string };
    },
    sql: async <R extends Record<string, unknown>>(text: string, params: unknown[] = []) => (await app.db.pool.query<R>(text, params)).rows,
    async stop() {
      await app.stop();
      await database.drop();
    },
  };
}

let isbnSerial = Math.floor(Math.random() * 1e6) * 1000;

/** A fresh valid ISBN-13 (978 + 9 digits + check digit), different on every call. */
export function nextIsbn(): string {
  const body = `978${String(isbnSerial++ % 1e9).padStart(9, "0")}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return body + ((10 - (sum % 10)) % 10);
}

/** The ISBN-10 form of an ISBN-13 that starts with 978. */
export function isbn10Of(isbn13: string): string {
  const body = isbn13.slice(3, 12);
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(body[i]) * (10 - i);
  const check = (11 - (sum % 11)) % 11;
  return body + (check === 10 ? "X" : String(check));
}
