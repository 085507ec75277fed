import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Body, type BookTestApp, startBookTestApp } from "./book-test-app.js";

const reasonOf = (body: Body) => body.details?.find((d) => d["@type"] === "type.googleapis.com/google.rpc.ErrorInfo")?.reason;
const fieldsOf = (body: Body) => {
  const bad = body.details?.find((d) => d["@type"] === "type.googleapis.com/google.rpc.BadRequest");
  return ((bad?.fieldViolations ?? []) as { field: string }[]).map((v) => v.field);
};

// The copy methods and the copies behind CreateBook / UpdateBook, through the service's REST face
// on a fresh database (fake peers).
describe("copies", () => {
  let t: BookTestApp;
  let author: string;
  beforeAll(async () => {
    t = await startBookTestApp();
    author = t.authors.add();
  });
  afterAll(async () => t?.stop());

  const createBook = (totalCopies: number) => t.createBook(author, { totalCopies });
  const copiesOf = async (bookId: string) => (await t.call("GET", `/api/v1/books/${bookId}/copies`, undefined, "")).body.copies as Body[];
  const counters = async (bookId: string) => {
    const { totalCopies, availableCopies } = (await t.call("GET", `/api/v1/books/${bookId}`)).body;
    return { totalCopies, availableCopies };
  };

  it("CreateBook with totalCopies N makes N copies on the shelf with generated barcodes; anyone may list them", async () => {
    const book = await createBook(3);
    const copies = await copiesOf(book.id);
    expect(copies).toHaveLength(3);
    for (const c of copies)
      expect(c).toMatchObject({ bookId: book.id, status: "COPY_STATUS_AVAILABLE", barcode: expect.stringMatching(/^C\d{11}$/) });
    expect(copies.map((c) => c.barcode)).toEqual(copies.map((c) => String(c.barcode)).sort());
    expect((await t.call("GET", `/api/v1/books/${randomUUID()}/copies`)).status).toBe(404);
    expect((await t.call("GET", "/api/v1/books/nope/copies")).status).toBe(400);
  });

  it("AddCopies adds by count or by barcodes (kept as given), moving the counters; 200 with the new copies", async () => {
    const book = await createBook(1);
    const byCount = await t.call("POST", `/api/v1/books/${book.id}/copies`, { count: 2 });
    expect(byCount.status).toBe(200);
    expect(byCount.body.copies).toHaveLength(2);
    const tag = randomUUID().slice(0, 8);
    const byBarcode = await t.call("POST", `/api/v1/books/${book.id}/copies`, { barcodes: [`Shelf-${tag}-b`, `Shelf-${tag}-A`] });
    expect((byBarcode.body.copies as Body[]).map((c) => c.barcode)).toEqual([`Shelf-${tag}-b`, `Shelf-${tag}-A`]);
    expect(await counters(book.id)).toEqual({ totalCopies: 5, availableCopies: 5 });
    expect(await copiesOf(book.id)).toHaveLength(5);
    expect((await t.call("POST", `/api/v1/books/${book.id}/copies`, { count: 1 }, t.member)).status).toBe(403);
    expect((await t.call("POST", `/api/v1/books/${randomUUID()}/copies`, { count: 1 })).status).toBe(404);
  });

  it("AddCopies refuses a taken barcode (any case) with 409 BARCODE_TAKEN and adds nothing; bad input names each field", async () => {
    const book = await createBook(0);
    const tag = randomUUID().slice(0, 8);
    await t.call("POST", `/api/v1/books/${book.id}/copies`, { barcodes: [`X-${tag}`] });
    const clash = await t.call("POST", `/api/v1/books/${book.id}/copies`, { barcodes: [`new-${tag}`, `x-${tag}`] });
    expect([clash.status, clash.body.code, reasonOf(clash.body)]).toEqual([409, 6, "BARCODE_TAKEN"]);
    expect(clash.body.details?.[0]).toMatchObject({ metadata: { barcodes: `x-${tag}` } });
    expect(await counters(book.id)).toEqual({ totalCopies: 1, availableCopies: 1 });
    const bad = await t.call("POST", `/api/v1/books/${book.id}/copies`, { barcodes: ["ok", "not ok", "OK"] });
    expect([bad.status, fieldsOf(bad.body)]).toEqual([400, ["barcodes[1]", "barcodes[2]"]]);
    for (const body of [{}, { count: 0 }, { count: 1001 }, { count: 1, barcodes: ["B1"] }]) {
      const res = await t.call("POST", `/api/v1/books/${book.id}/copies`, body);
      expect([res.status, fieldsOf(res.body)]).toEqual([400, ["count"]]);
    }
    expect(await copiesOf(book.id)).toHaveLength(1);
  });

  it("a generated barcode someone already took by hand is skipped", async () => {
    const [{ next }] = await t.sql<{ next: string }>(
      "select case when is_called then last_value + 1 else last_value end as next from copy_barcode_seq",
    );
    const taken = `C${String(next).padStart(11, "0")}`;
    const book = await createBook(0);
    expect((await t.call("POST", `/api/v1/books/${book.id}/copies`, { barcodes: [taken.toLowerCase()] })).status).toBe(200);
    const added = (await t.call("POST", `/api/v1/books/${book.id}/copies`, { count: 2 })).body.copies as Body[];
    expect(added).toHaveLength(2);
    expect(added.map((c) => String(c.barcode).toUpperCase())).not.toContain(taken);
  });

  it("UpdateCopy moves a copy between available, lost and withdrawn, and the counters follow", async () => {
    const book = await createBook(2);
    const [first] = await copiesOf(book.id);
    const patch = (status: string, token?: string) => t.call("PATCH", `/api/v1/copies/${first.id}`, { status }, token);
    expect((await patch("COPY_STATUS_LOST")).body).toMatchObject({ id: first.id, status: "COPY_STATUS_LOST" });
    expect(await counters(book.id)).toEqual({ totalCopies: 1, availableCopies: 1 });
    expect((await patch("COPY_STATUS_WITHDRAWN")).body.status).toBe("COPY_STATUS_WITHDRAWN");
    expect(await counters(book.id)).toEqual({ totalCopies: 1, availableCopies: 1 });
    expect((await patch("COPY_STATUS_AVAILABLE")).body.status).toBe("COPY_STATUS_AVAILABLE");
    expect(await counters(book.id)).toEqual({ totalCopies: 2, availableCopies: 2 });
    expect((await patch("COPY_STATUS_LOST", t.member)).status).toBe(403);
    expect((await patch("COPY_STATUS_UNSPECIFIED")).status).toBe(400);
    expect((await patch("LOST")).status).toBe(400);
    expect((await t.call("PATCH", `/api/v1/copies/${randomUUID()}`, { status: "COPY_STATUS_LOST" })).status).toBe(404);
  });

  it("UpdateCopy refuses a copy on loan, and ON_LOAN by hand (COPY_ON_LOAN)", async () => {
    const book = await createBook(2);
    const lent = await t.call("POST", `/api/v1/books/${book.id}/borrow`, {}, t.member);
    const loan = lent.body.loan as Body;
    expect(loan).toMatchObject({ copyId: expect.any(String), barcode: expect.stringMatching(/^C\d{11}$/), renewalCount: 0 });
    const onLoan = await t.call("PATCH", `/api/v1/copies/${loan.copyId}`, { status: "COPY_STATUS_LOST" });
    expect([onLoan.status, onLoan.body.code, reasonOf(onLoan.body)]).toEqual([400, 9, "COPY_ON_LOAN"]);
    const other = (await copiesOf(book.id)).find((c) => c.id !== loan.copyId);
    const byHand = await t.call("PATCH", `/api/v1/copies/${other?.id}`, { status: "COPY_STATUS_ON_LOAN" });
    expect([byHand.status, reasonOf(byHand.body)]).toEqual([400, "COPY_ON_LOAN"]);
    expect(await counters(book.id)).toEqual({ totalCopies: 2, availableCopies: 1 });
  });

  it("LookupBarcode finds a copy in any case, with its book and its open loan (null when none); librarians only", async () => {
    const book = await createBook(1);
    const [copy] = await copiesOf(book.id);
    const lookup = (barcode: string, token?: string) => t.call("GET", `/api/v1/barcodes/${barcode}`, undefined, token);
    const shelved = await lookup(String(copy.barcode).toLowerCase());
    expect(shelved.body).toMatchObject({ copy: { id: copy.id }, book: { id: book.id, availableCopies: 1 }, openLoan: null });
    const lent = await t.call("POST", `/api/v1/books/${book.id}/borrow`, {}, t.member);
    const out = await lookup(String(copy.barcode));
    expect(out.body).toMatchObject({
      copy: { status: "COPY_STATUS_ON_LOAN" },
      openLoan: { id: (lent.body.loan as Body).id, barcode: copy.barcode },
    });
    expect((await lookup(String(copy.barcode), t.member)).status).toBe(403);
    expect((await lookup("NO-SUCH-BARCODE")).status).toBe(404);
    expect((await lookup("bad_barcode")).status).toBe(400);
  });

  it("UpdateBook raising totalCopies adds copies, lowering withdraws shelved ones newest first, never below those on loan", async () => {
    const book = await createBook(2);
    await t.call("POST", `/api/v1/books/${book.id}/borrow`, {}, t.member);
    const put = (totalCopies: number) =>
      t.call("PUT", `/api/v1/books/${book.id}`, { title: "Items", isbn: book.isbn, authorId: author, totalCopies });
    expect((await put(4)).body).toMatchObject({ totalCopies: 4, availableCopies: 3 });
    const newest = (await copiesOf(book.id)).slice(-2).map((c) => c.id);
    expect((await put(2)).body).toMatchObject({ totalCopies: 2, availableCopies: 1 });
    const after = await copiesOf(book.id);
    expect(after.filter((c) => c.status === "COPY_STATUS_WITHDRAWN").map((c) => c.id)).toEqual(newest);
    const refused = await put(0);
    expect([refused.status, reasonOf(refused.body)]).toEqual([400, "COPIES_BELOW_ON_LOAN"]);
    const patched = await t.call("PATCH", `/api/v1/books/${book.id}`, { totalCopies: 1 });
    expect(patched.body).toMatchObject({ totalCopies: 1, availableCopies: 0 });
    expect((await copiesOf(book.id)).filter((c) => c.status === "COPY_STATUS_ON_LOAN")).toHaveLength(1);
  });
});
