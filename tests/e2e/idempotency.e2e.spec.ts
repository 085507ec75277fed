import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CirculationStack, startCirculationStack } from "./support/circulation-stack.js";
import { type Body, reasonOf, registerMember } from "./support/fixtures.js";
import { errorInfoOf, grpcRefusal } from "./support/grpc-clients.js";

// Idempotency-Key (DESIGN.md §8) through real processes, over REST and @grpc/grpc-js.
describe("Idempotency-Key end to end", () => {
  let c: CirculationStack;

  beforeAll(async () => {
    c = await startCirculationStack({ authorName: "Octavia" });
  });
  afterAll(async () => c?.stop());

  const createBook = (totalCopies: number) => c.createBook({ title: "Kindred", totalCopies });
  const post = (path: string, token: string, key?: string) =>
    c.call("POST", path, token, {}, key === undefined ? {} : { "Idempotency-Key": key });
  const openLoans = async (token: string) => (await c.call("GET", "/api/v1/loans?status=open", token)).body.totalSize;
  const shelf = async (book: string) => (await c.call("GET", `/api/v1/books/${book}`)).body.availableCopies;

  it("answers a retried REST borrow with the first answer and the replay header, lending once", async () => {
    const [book, reader, key] = [await createBook(3), await registerMember(c.auth, "idem-retry@e2e.test"), randomUUID()];
    const first = await post(`/api/v1/books/${book}/borrow`, reader.token, key);
    const again = await post(`/api/v1/books/${book}/borrow`, reader.token, key);
    expect([first.status, first.headers.get("idempotency-replayed")]).toEqual([200, null]);
    expect([again.status, again.headers.get("idempotency-replayed")]).toEqual([200, "true"]);
    expect(again.body).toEqual(first.body);
    expect([await openLoans(reader.token), await shelf(book)]).toEqual([1, 2]);
  });

  it("lends once to racing duplicates: the others replay the loan or are told the key is in use (409)", async () => {
    const [book, reader, key] = [await createBook(5), await registerMember(c.auth, "idem-race@e2e.test"), randomUUID()];
    const results = await Promise.all(Array.from({ length: 10 }, () => post(`/api/v1/books/${book}/borrow`, reader.token, key)));
    const lent = results.filter((r) => r.status === 200);
    expect(new Set(lent.map((r) => (r.body.loan as Body).id)).size).toBe(1);
    expect(lent.filter((r) => r.headers.get("idempotency-replayed") !== "true")).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200))
      expect([r.status, r.body.code, reasonOf(r.body)]).toEqual([409, 10, "IDEMPOTENCY_KEY_IN_USE"]);
    expect([await openLoans(reader.token), await shelf(book)]).toEqual([1, 4]);
  });

  it("refuses the key with another request (400 IDEMPOTENCY_KEY_REUSED), a malformed key, and replays a refusal", async () => {
    const [book, other, reader, key] = [
      await createBook(1),
      await createBook(1),
      await registerMember(c.auth, "idem-reuse@e2e.test"),
      randomUUID(),
    ];
    expect((await post(`/api/v1/books/${book}/borrow`, reader.token, key)).status).toBe(200);
    const reused = await post(`/api/v1/books/${other}/borrow`, reader.token, key);
    expect([reused.status, reused.body.code, reasonOf(reused.body)]).toEqual([400, 3, "IDEMPOTENCY_KEY_REUSED"]);
    expect(reused.body.details).toContainEqual(expect.objectContaining({ domain: "library.book.v1" }));
    expect(await shelf(other)).toBe(1);
    const bad = await post(`/api/v1/books/${other}/borrow`, reader.token, "x".repeat(256));
    expect([bad.status, (bad.body.details?.[0]?.fieldViolations as Body[])?.[0]?.field]).toEqual([400, "Idempotency-Key"]);

    const notMine = randomUUID();
    const refused = await post(`/api/v1/books/${other}/return`, reader.token, notMine);
    expect([refused.status, reasonOf(refused.body)]).toEqual([400, "NOT_BORROWED"]);
    expect((await post(`/api/v1/books/${other}/borrow`, reader.token)).status).toBe(200);
    const replayed = await post(`/api/v1/books/${other}/return`, reader.token, notMine);
    expect([replayed.status, replayed.body, replayed.headers.get("idempotency-replayed")]).toEqual([400, refused.body, "true"]);
    expect(await shelf(other)).toBe(0);
  });

  it("leaves calls without a key unchanged", async () => {
    const [book, reader] = [await createBook(2), await registerMember(c.auth, "idem-none@e2e.test")];
    const first = await post(`/api/v1/books/${book}/borrow`, reader.token);
    const second = await post(`/api/v1/books/${book}/borrow`, reader.token);
    expect([first.status, first.headers.get("idempotency-replayed")]).toEqual([200, null]);
    expect([second.status, reasonOf(second.body), second.headers.get("idempotency-replayed")]).toEqual([400, "ALREADY_BORROWED", null]);
  });

  it("works over gRPC with metadata, and a key sent over REST is the same key over gRPC", async () => {
    const [book, reader, key] = [await createBook(2), await registerMember(c.auth, "idem-grpc@e2e.test"), randomUUID()];
    const md = (k: string) => c.metadata(reader.token, { "idempotency-key": k });
    await c.withBookClient(async (client) => {
      const first = await client.callWithHeaders("borrowBook", { id: book }, md(key));
      const again = await client.callWithHeaders("borrowBook", { id: book }, md(key));
      expect(first.headers.get("idempotency-replayed")).toEqual([]);
      expect(again.headers.get("idempotency-replayed")).toEqual(["true"]);
      expect(again.res).toEqual(first.res);
      const overRest = await post(`/api/v1/books/${book}/borrow`, reader.token, key);
      expect([overRest.headers.get("idempotency-replayed"), (overRest.body.loan as Body).id]).toEqual([
        "true",
        (first.res.loan as Body).id,
      ]);

      const reused = await grpcRefusal(client.call("borrowBook", { id: book, userId: reader.userId }, md(key)));
      expect([reused.code, errorInfoOf(reused)?.reason]).toEqual([3, "IDEMPOTENCY_KEY_REUSED"]);
      const [lone, refusalKey] = [await createBook(1), randomUUID()];
      const refused = await grpcRefusal(client.call("returnBook", { id: lone }, md(refusalKey)));
      const replayed = await grpcRefusal(client.call("returnBook", { id: lone }, md(refusalKey)));
      expect([refused.code, errorInfoOf(refused)?.reason, refused.metadata.get("idempotency-replayed")]).toEqual([9, "NOT_BORROWED", []]);
      expect([replayed.code, errorInfoOf(replayed), replayed.details]).toEqual([9, errorInfoOf(refused), refused.details]);
      expect(replayed.metadata.get("idempotency-replayed")).toEqual(["true"]);
    });
    expect([await openLoans(reader.token), await shelf(book)]).toEqual([1, 1]);
  });
});
