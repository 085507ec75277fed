import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CirculationStack, startCirculationStack } from "./support/circulation-stack.js";
import { type Body, nextIsbn, reasonOf, registerMember } from "./support/fixtures.js";
import { errorInfoOf, grpcClient, grpcCode } from "./support/grpc-clients.js";
import { SERVER_KEY } from "./support/stack.js";

// Copies with barcodes, and borrowing on them, through real processes over REST and @grpc/grpc-js.
describe("copies end to end", () => {
  let c: CirculationStack;
  let admin: string;
  let authorId: string;
  let readers: { userId: string; token: string }[];

  beforeAll(async () => {
    c = await startCirculationStack({ authorName: "Jansson" });
    [admin, authorId] = [c.admin, c.authorId];
    readers = await Promise.all(Array.from({ length: 8 }, (_, i) => registerMember(c.auth, `copies-reader${i}@e2e.test`)));
  });
  afterAll(async () => c?.stop());

  const call = (method: string, path: string, token?: string, body?: unknown) => c.call(method, path, token, body);
  const createBook = (title: string, totalCopies: number) => c.createBook({ title, totalCopies });

  it("lists, adds, updates and looks up copies over REST, and lends and takes back a copy", async () => {
    const book = await createBook("Comet in Moominland", 1);
    const listed = await call("GET", `/api/v1/books/${book}/copies`);
    expect(listed.body.copies).toEqual([expect.objectContaining({ bookId: book, status: "COPY_STATUS_AVAILABLE" })]);
    const added = await call("POST", `/api/v1/books/${book}/copies`, admin, { barcodes: ["MOOMIN-0001", "moomin-0002"] });
    expect([added.status, (added.body.copies as Body[]).map((c) => c.barcode)]).toEqual([200, ["MOOMIN-0001", "moomin-0002"]]);
    const clash = await call("POST", `/api/v1/books/${book}/copies`, admin, { barcodes: ["Moomin-0002"] });
    expect([clash.status, reasonOf(clash.body)]).toEqual([409, "BARCODE_TAKEN"]);
    expect((await call("POST", `/api/v1/books/${book}/copies`, readers[0].token, { count: 1 })).status).toBe(403);

    const lost = await call("PATCH", `/api/v1/copies/${(added.body.copies as Body[])[0].id}`, admin, { status: "COPY_STATUS_LOST" });
    expect(lost.body).toMatchObject({ barcode: "MOOMIN-0001", status: "COPY_STATUS_LOST" });
    expect((await call("GET", `/api/v1/books/${book}`)).body).toMatchObject({ totalCopies: 2, availableCopies: 2 });

    const borrowed = await call("POST", `/api/v1/books/${book}/borrow`, readers[0].token, {});
    const loan = borrowed.body.loan as Body;
    expect(borrowed.body).toMatchObject({ availableCopies: 1, loan: { copyId: expect.any(String), renewalCount: 0 } });
    const scanned = await call("GET", `/api/v1/barcodes/${String(loan.barcode).toLowerCase()}`, admin);
    expect(scanned.body).toMatchObject({
      copy: { id: loan.copyId, status: "COPY_STATUS_ON_LOAN" },
      book: { id: book, availableCopies: 1 },
      openLoan: { id: loan.id, userId: readers[0].userId },
    });
    const onLoan = await call("PATCH", `/api/v1/copies/${loan.copyId}`, admin, { status: "COPY_STATUS_WITHDRAWN" });
    expect([onLoan.status, reasonOf(onLoan.body)]).toEqual([400, "COPY_ON_LOAN"]);
    const mine = await call("GET", "/api/v1/loans?status=open", readers[0].token);
    expect(mine.body.loans).toEqual([
      expect.objectContaining({ id: loan.id, copyId: loan.copyId, barcode: loan.barcode, renewalCount: 0 }),
    ]);

    expect((await call("POST", `/api/v1/books/${book}/return`, readers[0].token, {})).body).toMatchObject({ availableCopies: 2 });
    expect((await call("GET", `/api/v1/barcodes/${loan.barcode}`, admin)).body).toMatchObject({
      copy: { status: "COPY_STATUS_AVAILABLE" },
      openLoan: null,
    });
    expect((await call("GET", `/api/v1/barcodes/${loan.barcode}`, readers[0].token)).status).toBe(403);
  });

  it("runs the copy methods and borrow/return on copies over gRPC with the same rules", async () => {
    const client = grpcClient("book", "BookService", c.stack.grpcAddr.book);
    const as = (token?: string) => ({ "x-server-key": SERVER_KEY, ...(token ? { authorization: `Bearer ${token}` } : {}) });
    try {
      const created = await client.call("createBook", { title: "Finn Family", isbn: nextIsbn(), authorId, totalCopies: 0 }, as(admin));
      const bookId = String(created.id);
      const added = await client.call("addCopies", { bookId, count: 2 }, as(admin));
      const [first, second] = added.copies as Body[];
      expect(first).toMatchObject({ bookId, status: "COPY_STATUS_AVAILABLE", barcode: expect.stringMatching(/^C\d{11}$/) });
      expect(await client.call("listCopies", { bookId }, as())).toMatchObject({ copies: [{ id: first.id }, { id: second.id }] });
      expect(await client.call("updateCopy", { id: second.id, status: "COPY_STATUS_LOST" }, as(admin))).toMatchObject({
        status: "COPY_STATUS_LOST",
      });
      expect(await grpcCode(client.call("updateCopy", { id: second.id, status: "COPY_STATUS_LOST" }, as(readers[1].token)))).toBe(
        grpc.status.PERMISSION_DENIED,
      );
      const lent = await client.call("borrowBook", { id: bookId }, as(readers[1].token));
      expect(lent).toMatchObject({ availableCopies: 0, loan: { copyId: first.id, barcode: first.barcode, renewalCount: 0 } });
      const refused = await client.call("updateCopy", { id: first.id, status: "COPY_STATUS_AVAILABLE" }, as(admin)).then(
        () => undefined,
        (err: grpc.ServiceError) => err,
      );
      expect(refused?.code).toBe(grpc.status.FAILED_PRECONDITION);
      expect(errorInfoOf(refused)).toMatchObject({ reason: "COPY_ON_LOAN", domain: "library.book.v1" });
      const scanned = await client.call("lookupBarcode", { barcode: first.barcode }, as(admin));
      expect(scanned).toMatchObject({ copy: { id: first.id }, book: { id: bookId }, openLoan: { userId: readers[1].userId } });
      expect(await client.call("returnBook", { id: bookId }, as(readers[1].token))).toMatchObject({ availableCopies: 1 });
      expect((await client.call("lookupBarcode", { barcode: first.barcode }, as(admin))).openLoan).toBeNull();
      expect(await grpcCode(client.call("lookupBarcode", { barcode: "NOPE-1" }, as(admin)))).toBe(grpc.status.NOT_FOUND);
      expect(await grpcCode(client.call("addCopies", { bookId, count: 0 }, as(admin)))).toBe(grpc.status.INVALID_ARGUMENT);
    } finally {
      client.close();
    }
  });

  it("gives exactly one of N racing REST borrows of a one-copy book", async () => {
    const book = await createBook("One Copy", 1);
    const results = await Promise.all(readers.map((r) => call("POST", `/api/v1/books/${book}/borrow`, r.token, {})));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const refused of results.filter((r) => r.status !== 200)) expect(reasonOf(refused.body)).toBe("NO_COPIES_AVAILABLE");
    const copies = (await call("GET", `/api/v1/books/${book}/copies`)).body.copies as Body[];
    expect(copies.map((c) => c.status)).toEqual(["COPY_STATUS_ON_LOAN"]);
  });

  it("gives exactly K of N racing gRPC borrows of a K-copy book, each on its own copy", async () => {
    const book = await createBook("Three Copies", 3);
    const clients = readers.map(() => grpcClient("book", "BookService", c.stack.grpcAddr.book));
    try {
      const results = await Promise.allSettled(
        readers.map((r, i) =>
          clients[i].call("borrowBook", { id: book }, { "x-server-key": SERVER_KEY, authorization: `Bearer ${r.token}` }),
        ),
      );
      const lent = results.flatMap((r) => (r.status === "fulfilled" ? [(r.value.loan as Body).copyId] : []));
      expect(lent).toHaveLength(3);
      expect(new Set(lent).size).toBe(3);
      for (const r of results) if (r.status === "rejected") expect(errorInfoOf(r.reason)?.reason).toBe("NO_COPIES_AVAILABLE");
    } finally {
      for (const c of clients) c.close();
    }
    const copies = (await call("GET", `/api/v1/books/${book}/copies`)).body.copies as Body[];
    expect(copies.filter((c) => c.status === "COPY_STATUS_ON_LOAN")).toHaveLength(3);
    expect((await call("GET", `/api/v1/books/${book}`)).body).toMatchObject({ totalCopies: 3, availableCopies: 0 });
  });
});
