import { rest } from "@lms/platform/testing/rest-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Body, nextIsbn } from "./support/fixtures.js";
import { grpcClient } from "./support/grpc-clients.js";
import { ADMIN, SERVER_KEY, type Stack, startStack } from "./support/stack.js";

/** The book service's deadline on calls to its peers in this suite. */
const RPC_TIMEOUT_MS = 2000;
/** Slack for a loaded machine: an answer within one deadline plus this is still short of two deadlines. */
const MARGIN_MS = 1900;

// The category service frozen (SIGSTOP) and killed under book writes and reads, with real processes
// and databases: every write answers within one deadline and ends on both sides or neither, once
// the category service is back and the book service's reconciler has run; reads keep answering.
describe("book service while the category service is frozen or down", () => {
  let stack: Stack;
  let book: string;
  let admin: string;
  let authorId: string;
  let fiction: string;
  let poetry: string;

  beforeAll(async () => {
    stack = await startStack(["auth", "author", "category", "book"], { env: { RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS) } });
    book = stack.services.book.baseUrl;
    admin = String((await rest<Body>(stack.services.auth.baseUrl, "POST", "/api/v1/auth/login", { body: ADMIN })).body.accessToken);
    const post = (base: string, path: string, body: object) => rest<Body>(base, "POST", path, { token: admin, body });
    authorId = String((await post(stack.services.author.baseUrl, "/api/v1/authors", { name: "Ursula K. Le Guin" })).body.id);
    const category = stack.services.category.baseUrl;
    fiction = String((await post(category, "/api/v1/categories", { name: "Fiction" })).body.id);
    poetry = String((await post(category, "/api/v1/categories", { name: "Poetry" })).body.id);
  }, 120_000);
  afterAll(async () => stack?.stop());

  const createBook = (categoryIds: string[]) =>
    timed(
      rest<Body>(book, "POST", "/api/v1/books", { token: admin, body: { title: "Earthsea", isbn: nextIsbn(), authorId, categoryIds } }),
    );
  const createdBook = async (categoryIds: string[]) => {
    const { res } = await createBook(categoryIds);
    expect(res.status).toBe(201);
    return String(res.body.id);
  };

  it("frozen: writes answer 503 within one deadline and change nothing; reads answer; after SIGCONT every link belongs to its book", async () => {
    const kept = await createdBook([fiction]);
    const shown = await createdBook([fiction, poetry]);
    stack.services.category.signal("SIGSTOP");
    let thawed = false;
    try {
      const [creates, deleted, one, all] = await Promise.all([
        Promise.all(Array.from({ length: 6 }, (_, i) => createBook(i % 2 ? [fiction, poetry] : [poetry]))),
        timed(rest<Body>(book, "DELETE", `/api/v1/books/${kept}`, { token: admin })),
        timed(rest<Body>(book, "GET", `/api/v1/books/${shown}`)),
        timed(rest<Body>(book, "GET", "/api/v1/books?pageSize=100")),
      ]);
      for (const { res, ms } of [...creates, deleted]) {
        expect(res.status).toBe(503);
        expect(ms).toBeLessThan(RPC_TIMEOUT_MS + MARGIN_MS);
      }
      for (const { res, ms } of [one, all]) {
        expect(res.status).toBe(200);
        expect(ms).toBeLessThan(RPC_TIMEOUT_MS + MARGIN_MS);
      }
      expect(one.res.body.categoryIds).toEqual([fiction, poetry].sort());
      expect(booksIn(all.res).find((b) => b.id === shown)?.categoryIds).toEqual([fiction, poetry].sort());
      stack.services.category.signal("SIGCONT");
      thawed = true;
    } finally {
      if (!thawed) stack.services.category.signal("SIGCONT");
    }
    await expectEveryLinkToMatchItsBook();
    expect((await rest<Body>(book, "GET", `/api/v1/books/${kept}`)).body.categoryIds).toEqual([fiction]);
    const logs = stack.services.book.logs();
    expect(logs).toContain("pending: category service unavailable");
    expect(logs).not.toContain("repair by hand");
  }, 90_000);

  it("killed: reads answer from the book service's own record, marked degraded; writes with links answer 503 at once", async () => {
    const shown = await createdBook([poetry]);
    stack.services.category.signal("SIGKILL");
    try {
      await stack.services.category.exited();
      // The book service answers from its replica of the links until its watch drops (the
      // connection's close, milliseconds later): from then on it answers from its own record.
      await untilDegraded(`/api/v1/books/${shown}`);
      const one = await timed(rest<Body>(book, "GET", `/api/v1/books/${shown}`));
      const all = await timed(rest<Body>(book, "GET", "/api/v1/books?pageSize=100"));
      const filtered = await timed(rest<Body>(book, "GET", `/api/v1/books?categoryId=${poetry}&pageSize=100`));
      for (const { res, ms } of [one, all, filtered]) {
        expect(res.status).toBe(200);
        expect(res.headers.get("x-degraded")).toBe("categories");
        expect(ms).toBeLessThan(RPC_TIMEOUT_MS + MARGIN_MS);
      }
      expect(one.res.body.categoryIds).toEqual([poetry]);
      expect(booksIn(filtered.res).map((b) => b.id)).toContain(shown);
      const write = await createBook([poetry]);
      expect(write.res.status).toBe(503);
      expect(write.ms).toBeLessThan(RPC_TIMEOUT_MS + MARGIN_MS);
      expect((await createBook([])).res.status).toBe(201);
    } finally {
      await stack.services.category.start();
    }
    await expectEveryLinkToMatchItsBook();
    const fresh = await rest<Body>(book, "GET", `/api/v1/books/${shown}`);
    expect(fresh.headers.get("x-degraded")).toBeNull();
  }, 90_000);

  /** Polls (bounded) until a read of `path` is marked degraded. */
  async function untilDegraded(path: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while ((await rest<Body>(book, "GET", path)).headers.get("x-degraded") !== "categories") {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Polls (bounded) until every linked item in the category service is a book with exactly those links, and back. */
  async function expectEveryLinkToMatchItsBook(): Promise<void> {
    const deadline = Date.now() + 30_000;
    let mismatch = "";
    while (Date.now() < deadline) {
      mismatch = await firstMismatch();
      if (!mismatch) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(mismatch).toBe("");
  }

  async function firstMismatch(): Promise<string> {
    const category = grpcClient("category", "CategoryService", stack.grpcAddr.category);
    try {
      const res = await category.call("listItemLinks", { pageSize: 1000 }, { "x-server-key": SERVER_KEY });
      const links = new Map((res.items as { itemId: string; categoryIds: string[] }[]).map((i) => [i.itemId, [...i.categoryIds].sort()]));
      const books = booksIn(await rest<Body>(book, "GET", "/api/v1/books?pageSize=100"));
      for (const [itemId, categoryIds] of links) {
        const found = books.find((b) => b.id === itemId);
        if (!found) return `item ${itemId} is linked to ${categoryIds} but is no book`;
        if (JSON.stringify(found.categoryIds) !== JSON.stringify(categoryIds))
          return `book ${itemId}: ${found.categoryIds} here, ${categoryIds} there`;
      }
      const unlinked = books.find((b) => b.categoryIds.length > 0 && !links.has(b.id));
      return unlinked ? `book ${unlinked.id} has no links there` : "";
    } catch (err) {
      return `category service not answering yet: ${String(err)}`;
    } finally {
      category.close();
    }
  }
});

async function timed<T>(p: Promise<T>): Promise<{ res: T; ms: number }> {
  const started = performance.now();
  const res = await p;
  return { res, ms: performance.now() - started };
}

function booksIn(res: { body: Body }): { id: string; categoryIds: string[] }[] {
  return res.body.books as { id: string; categoryIds: string[] }[];
}
