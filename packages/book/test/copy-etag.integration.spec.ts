import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { CopyStatus } from "@lms/gen/library/book/v1/book_pb";
import { errorReasonOf } from "@lms/platform/testing/error-details";
import { rest } from "@lms/platform/testing/rest-client";
import { holdRowLock } from "@lms/platform/testing/row-lock";
import { describe, expect, it } from "vitest";
import { type Body, type BookTestApp, WITH_SERVER_KEY } from "./book-test-app.js";
import { useCatalogueSuite } from "./catalogue-suite.js";

// DESIGN.md §2 ETag / If-Match (AIP-154) on a copy: UpdateCopy answers the copy's ETag and
// honours If-Match; REST through the real app on real PostgreSQL (fake peers), and gRPC in-process.
describe("copy ETags", () => {
  let t: BookTestApp;
  let author: string;
  useCatalogueSuite((suite) => ({ t, author } = suite));

  const createBook = async (totalCopies: number) => {
    const { id } = await t.createBook(author, { totalCopies });
    const copies = (await t.call("GET", `/api/v1/books/${id}/copies`)).body.copies as Body[];
    return { bookId: id, copyIds: copies.map((c) => String(c.id)) };
  };
  const setStatus = (copyId: string, status: string, ifMatch?: string) =>
    rest<Body>(t.base, "PATCH", `/api/v1/copies/${copyId}`, {
      token: t.librarian,
      body: { status },
      headers: ifMatch === undefined ? {} : { "if-match": ifMatch },
    });
  const statusOf = async (bookId: string, copyId: string) =>
    ((await t.call("GET", `/api/v1/books/${bookId}/copies`)).body.copies as Body[]).find((c) => c.id === copyId)?.status;

  it("answers UpdateCopy with an ETag; the current tag passes (new ETag), a stale one is 412 and changes nothing", async () => {
    const { bookId, copyIds } = await createBook(2);
    const first = await setStatus(copyIds[0], "COPY_STATUS_LOST");
    const tag = String(first.headers.get("etag"));
    expect(tag).toMatch(/^"[A-Za-z0-9_-]+"$/);

    const current = await setStatus(copyIds[0], "COPY_STATUS_WITHDRAWN", tag);
    expect(current.status).toBe(200);
    const fresh = String(current.headers.get("etag"));
    expect(fresh).not.toBe(tag);

    const stale = await setStatus(copyIds[0], "COPY_STATUS_AVAILABLE", tag);
    expect([stale.status, stale.body.code, errorReasonOf(stale.body)]).toEqual([412, 10, "ETAG_MISMATCH"]);
    expect(await statusOf(bookId, copyIds[0])).toBe("COPY_STATUS_WITHDRAWN");
    expect((await t.call("GET", `/api/v1/books/${bookId}`)).body).toMatchObject({ totalCopies: 1, availableCopies: 1 });
    expect((await setStatus(copyIds[0], "COPY_STATUS_AVAILABLE", `W/${fresh}`)).status).toBe(412);
    expect((await setStatus(copyIds[0], "COPY_STATUS_AVAILABLE", `"other", ${fresh}`)).status).toBe(200);
  });

  it("a loan and its return move the copy's ETag: a tag from before the loan no longer matches", async () => {
    const { bookId, copyIds } = await createBook(1);
    const before = String((await setStatus(copyIds[0], "COPY_STATUS_AVAILABLE")).headers.get("etag"));
    expect((await t.call("POST", `/api/v1/books/${bookId}/borrow`, {}, t.member)).status).toBe(200);
    expect((await t.call("POST", `/api/v1/books/${bookId}/return`, {}, t.member)).status).toBe(200);
    const stale = await setStatus(copyIds[0], "COPY_STATUS_LOST", before);
    expect([stale.status, errorReasonOf(stale.body)]).toEqual([412, "ETAG_MISMATCH"]);
    expect(await statusOf(bookId, copyIds[0])).toBe("COPY_STATUS_AVAILABLE");
  });

  it("lets exactly one of two concurrent UpdateCopy calls with the same If-Match through", async () => {
    const { bookId, copyIds } = await createBook(1);
    const tag = String((await setStatus(copyIds[0], "COPY_STATUS_AVAILABLE")).headers.get("etag"));
    const lock = await holdRowLock(t.app.db.pool, "books", bookId);
    const racing = ["COPY_STATUS_LOST", "COPY_STATUS_WITHDRAWN"].map((s) => setStatus(copyIds[0], s, tag));
    await lock.waitForWaiters(2);
    await lock.release();
    const results = await Promise.all(racing);
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    expect(await statusOf(bookId, copyIds[0])).toBe(results.find((r) => r.status === 200)?.body.status);
  });

  it("over gRPC: the ETag is response metadata, a stale if-match is ABORTED with ETAG_MISMATCH; LookupBarcode carries none", async () => {
    const { copyIds } = await createBook(1);
    const headers = { ...WITH_SERVER_KEY.headers, authorization: `Bearer ${t.librarian}` };
    let metadata: Headers | undefined;
    const copy = await t.grpc.updateCopy({ id: copyIds[0], status: CopyStatus.LOST }, { headers, onHeader: (h) => (metadata = h) });
    const tag = String(metadata?.get("etag"));
    await t.grpc.updateCopy({ id: copyIds[0], status: CopyStatus.WITHDRAWN }, { headers: { ...headers, "if-match": tag } });
    const err = ConnectError.from(
      await t.grpc
        .updateCopy({ id: copyIds[0], status: CopyStatus.AVAILABLE }, { headers: { ...headers, "if-match": tag } })
        .catch((e) => e),
    );
    expect([err.code, err.findDetails(ErrorInfoSchema)[0]?.reason]).toEqual([Code.Aborted, "ETAG_MISMATCH"]);

    const lookup = await t.call("GET", `/api/v1/barcodes/${copy.barcode}`);
    expect(lookup.body.copy).toMatchObject({ id: copyIds[0], status: "COPY_STATUS_WITHDRAWN" });
    expect(lookup.headers.get("etag")).toBeNull();
  });
});
