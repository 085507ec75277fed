// The README's "walk through with curl", in real HTTP against the Compose stack's published REST
// ports, plus gRPC calls with @grpc/grpc-js straight to the book container's gRPC port (not
// published: reached on the compose network's address). Run by compose-up.sh:
//   node --import tsx tests/deploy/stack/walk.ts <results.json>
// with STACK_PORTS ("auth author category book web" REST ports), ADMIN_PASSWORD, SERVER_KEY and
// BOOK_GRPC_ADDR in the environment. Each step asserts its status and body; the results file
// lists the steps that passed and the first failure, and the exit code is 0 only when all passed.
import { deepEqual, equal, ok } from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { grpcClient, grpcCode } from "../../e2e/support/grpc-clients.js";

const [authPort, authorPort, categoryPort, bookPort, webPort] = (process.env.STACK_PORTS ?? "").split(" ").map(Number);
const url = (port: number, path: string) => `http://127.0.0.1:${port}${path}`;
const serverKey = process.env.SERVER_KEY ?? "";
interface User {
  id: string;
  role: string;
}
interface Tokens {
  accessToken: string;
  tokenType: string;
}
interface Entity {
  id: string;
  isbn?: string;
  nationality?: string;
}
interface Loan {
  id: string;
  returnedAt?: string | null;
}
interface Circulation {
  loan: Loan;
  availableCopies: number;
}
interface ApiError {
  code: number;
  details: { "@type": string; fieldViolations?: { field: string }[] }[];
}

/** One REST call: the status, the JSON body (or {}) read as T, and the headers. */
async function call<T>(
  method: string,
  port: number,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(url(port, path), { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, headers: res.headers };
}

const passed: string[] = [];
async function step(name: string, fn: () => Promise<void>): Promise<void> {
  await fn();
  passed.push(name);
  console.log(`[walk] ok  ${name}`);
}

async function walk(): Promise<void> {
  const member = { email: "reader@example.org", password: "correct horse", name: "Reader" };
  let memberToken = "";
  let token = "";
  let authorId = "";
  let categoryId = "";
  let bookId = "";

  await step("1. register a member (201) and log in", async () => {
    const reg = await call<{ user: User }>("POST", authPort, "/api/v1/auth/register", { body: member });
    equal(reg.status, 201, JSON.stringify(reg.body));
    equal(reg.body.user.role, "ROLE_MEMBER");
    const login = await call<Tokens>("POST", authPort, "/api/v1/auth/login", { body: { email: member.email, password: member.password } });
    equal(login.status, 200);
    memberToken = login.body.accessToken;
  });
  await step("2. log in as the admin", async () => {
    const login = await call<Tokens>("POST", authPort, "/api/v1/auth/login", {
      body: { email: "admin@library.local", password: process.env.ADMIN_PASSWORD },
    });
    equal(login.status, 200, JSON.stringify(login.body));
    equal(login.body.tokenType, "Bearer");
    token = login.body.accessToken;
  });
  await step("3. create an author (201 + Location), list authors", async () => {
    const created = await call<Entity>("POST", authorPort, "/api/v1/authors", {
      token,
      body: { name: "Ursula K. Le Guin", birthDate: "1929-10-21", nationality: "US" },
    });
    equal(created.status, 201, JSON.stringify(created.body));
    authorId = created.body.id;
    equal(created.headers.get("location"), `/api/v1/authors/${authorId}`);
    const list = await call<{ authors: Entity[] }>("GET", authorPort, "/api/v1/authors?q=guin&pageSize=10");
    deepEqual(
      list.body.authors.map((a) => a.id),
      [authorId],
    );
  });
  await step("3b. PATCH one field with If-Match; a stale If-Match answers 412", async () => {
    const read = await call<Entity>("GET", authorPort, `/api/v1/authors/${authorId}`);
    const etag = read.headers.get("etag") ?? "";
    ok(etag, "a read carries an ETag");
    const patched = await call<Entity>("PATCH", authorPort, `/api/v1/authors/${authorId}?updateMask=biography`, {
      token,
      headers: { "if-match": etag },
      body: { biography: "Earthsea, The Left Hand of Darkness" },
    });
    equal(patched.status, 200, JSON.stringify(patched.body));
    equal(patched.body.nationality, "US");
    const stale = await call<ApiError>("PATCH", authorPort, `/api/v1/authors/${authorId}?updateMask=biography`, {
      token,
      headers: { "if-match": etag },
      body: { biography: "lost" },
    });
    equal(stale.status, 412);
  });
  await step("4. create a category and a book in it; list books by category", async () => {
    const cat = await call<Entity>("POST", categoryPort, "/api/v1/categories", { token, body: { name: "Fantasy" } });
    equal(cat.status, 201, JSON.stringify(cat.body));
    categoryId = cat.body.id;
    const book = await call<Entity>("POST", bookPort, "/api/v1/books", {
      token,
      body: { title: "A Wizard of Earthsea", isbn: "0-395-27653-5", authorId, categoryIds: [categoryId], totalCopies: 2 },
    });
    equal(book.status, 201, JSON.stringify(book.body));
    bookId = book.body.id;
    equal(book.body.isbn, "9780395276532");
    const list = await call<{ books: Entity[] }>("GET", bookPort, `/api/v1/books?categoryId=${categoryId}&orderBy=title`);
    deepEqual(
      list.body.books.map((b) => b.id),
      [bookId],
    );
  });
  await step("5. borrow, open loans, return, recommendations (as the member)", async () => {
    const borrowed = await call<Circulation>("POST", bookPort, `/api/v1/books/${bookId}/borrow`, { token: memberToken });
    equal(borrowed.status, 200, JSON.stringify(borrowed.body));
    equal(borrowed.body.availableCopies, 1);
    const open = await call<{ loans: Loan[] }>("GET", bookPort, "/api/v1/loans?status=open", { token: memberToken });
    deepEqual(
      open.body.loans.map((l) => l.id),
      [borrowed.body.loan.id],
    );
    const returned = await call<Circulation>("POST", bookPort, `/api/v1/books/${bookId}/return`, { token: memberToken });
    equal(returned.status, 200, JSON.stringify(returned.body));
    equal(returned.body.availableCopies, 2);
    ok(returned.body.loan.returnedAt, "returnedAt set");
    const recs = await call<{ books: Entity[] }>("GET", bookPort, `/api/v1/books/${bookId}/recommendations?limit=5`);
    equal(recs.status, 200);
  });
  await step("6. errors have one shape: 400 naming the field", async () => {
    const invalid = await call<ApiError>("POST", authorPort, "/api/v1/authors", { token, body: { name: "" } });
    equal(invalid.status, 400);
    equal(invalid.body.code, 3);
    const badRequest = invalid.body.details.find((d) => d["@type"] === "type.googleapis.com/google.rpc.BadRequest");
    deepEqual(
      badRequest?.fieldViolations?.map((v) => v.field),
      ["name"],
    );
  });
  await step(
    "7. through the web origin (DESIGN.md §9): the book as the service answers it, an unknown path 404, the app's page",
    async () => {
      const [viaWeb, direct] = [
        await call<Entity>("GET", webPort, `/api/v1/books/${bookId}`),
        await call<Entity>("GET", bookPort, `/api/v1/books/${bookId}`),
      ];
      equal(viaWeb.status, 200, JSON.stringify(viaWeb.body));
      deepEqual(viaWeb.body, direct.body);
      const login = await call<Tokens>("POST", webPort, "/api/v1/auth/login", { body: { email: member.email, password: member.password } });
      equal(login.status, 200, JSON.stringify(login.body));
      const unknown = await call<ApiError>("GET", webPort, "/api/v1/shelves");
      deepEqual([unknown.status, unknown.body.code], [404, 12]);
      const page = await fetch(url(webPort, "/"), { headers: { accept: "text/html" } });
      ok((page.headers.get("content-type") ?? "").startsWith("text/html"), `GET / answers HTML (${page.status})`);
    },
  );
  await step("gRPC: BookService.GetBook on the book container with the server key; refused without", async () => {
    const client = grpcClient("book", "BookService", process.env.BOOK_GRPC_ADDR ?? "");
    try {
      const res = await client.call("getBook", { id: bookId }, { "x-server-key": serverKey });
      equal(res.title, "A Wizard of Earthsea");
      equal(await grpcCode(client.call("getBook", { id: bookId })), 16);
    } finally {
      client.close();
    }
  });
}

const out = process.argv[2];
let failure: string | undefined;
try {
  await walk();
} catch (e) {
  failure = e instanceof Error ? `${e.message}\n${e.stack ?? ""}` : String(e);
  console.error(`[walk] FAILED after ${passed.length} steps: ${failure}`);
}
if (out) writeFileSync(out, `${JSON.stringify({ passed, failure }, null, 2)}\n`);
process.exit(failure ? 1 : 0);
