import { randomUUID } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import { rest } from "@lms/platform/testing/rest-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CirculationStack, startCirculationStack } from "./support/circulation-stack.js";
import { type Body, reasonOf, registerMember } from "./support/fixtures.js";
import { errorInfoOf, grpcRefusal } from "./support/grpc-clients.js";

// The circulation desk (DESIGN.md §8): CheckOut and CheckIn by barcode, through the real auth
// and book processes, over REST and @grpc/grpc-js.
describe("the circulation desk end to end", () => {
  let c: CirculationStack;
  let auth: string;
  let admin: string;

  beforeAll(async () => {
    c = await startCirculationStack();
    [auth, admin] = [c.auth, c.admin];
  });
  afterAll(async () => c?.stop());

  const cardOf = async (userId: string) =>
    String((await rest<Body>(auth, "GET", `/api/v1/users/${userId}`, { token: admin })).body.cardNumber);
  const checkOut = (barcode: string, patron: string, headers: Record<string, string> = {}) =>
    c.call("POST", "/api/v1/circulation/check-out", admin, { barcode, patron }, headers);
  const checkIn = (barcode: string, headers: Record<string, string> = {}) =>
    c.call("POST", "/api/v1/circulation/check-in", admin, { barcode }, headers);

  it("checks a copy out by card number and in again over REST; a copy not on loan is COPY_NOT_ON_LOAN", async () => {
    const book = await c.shelve("DESK-A1", "DESK-A2");
    const reader = await registerMember(auth, "desk-card@e2e.test");
    const card = await cardOf(reader.userId);
    expect(card).toMatch(/^[0-9]{10}$/);

    const out = await checkOut("desk-a2", card);
    expect(out.status).toBe(200);
    expect(out.body.loan).toMatchObject({ userId: reader.userId, bookId: book, barcode: "DESK-A2", returnedAt: null });
    const mine = await c.call("GET", "/api/v1/loans?status=open", reader.token);
    expect((mine.body.loans as Body[]).map((l) => l.barcode)).toEqual(["DESK-A2"]);
    expect((await c.call("GET", `/api/v1/books/${book}`)).body).toMatchObject({ totalCopies: 2, availableCopies: 1 });
    expect((await c.call("GET", "/api/v1/barcodes/DESK-A2", admin)).body.openLoan).toMatchObject({ id: (out.body.loan as Body).id });

    const back = await checkIn("DESK-A2");
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({
      loan: { id: (out.body.loan as Body).id, returnedAt: expect.any(String) },
      copy: { barcode: "DESK-A2", status: "COPY_STATUS_AVAILABLE" },
    });
    const again = await checkIn("DESK-A2");
    expect([again.status, again.body.code, reasonOf(again.body)]).toEqual([400, 9, "COPY_NOT_ON_LOAN"]);
    expect((await c.call("GET", `/api/v1/books/${book}`)).body).toMatchObject({ availableCopies: 2 });
  });

  it("refuses members, unknown barcodes and patrons, and a lent copy (COPY_NOT_AVAILABLE)", async () => {
    await c.shelve("DESK-B1");
    const [reader, other] = [await registerMember(auth, "desk-b1@e2e.test"), await registerMember(auth, "desk-b2@e2e.test")];
    const asMember = await c.call("POST", "/api/v1/circulation/check-out", reader.token, { barcode: "DESK-B1", patron: reader.userId });
    expect(asMember.status).toBe(403);
    expect((await checkOut("NO-SUCH-COPY", reader.userId)).status).toBe(404);
    const stranger = await checkOut("DESK-B1", randomUUID());
    expect([stranger.status, reasonOf(stranger.body)]).toEqual([404, "USER_NOT_FOUND"]);
    const mistyped = await checkOut("DESK-B1", "12345");
    expect([mistyped.status, (mistyped.body.details?.[0]?.fieldViolations as Body[])?.[0]?.field]).toEqual([400, "patron"]);
    expect((await checkOut("DESK-B1", reader.userId)).status).toBe(200);
    const taken = await checkOut("DESK-B1", other.userId);
    expect([taken.status, reasonOf(taken.body)]).toEqual([400, "COPY_NOT_AVAILABLE"]);
    expect(taken.body.details?.find((d) => d.reason === "COPY_NOT_AVAILABLE")?.metadata).toMatchObject({ barcode: "DESK-B1" });
    expect((await checkIn("NO-SUCH-COPY")).status).toBe(404);
  });

  it("checks out by user id and in over gRPC, with the reasons in the status details", async () => {
    await c.shelve("DESK-C1");
    const [reader, other] = [await registerMember(auth, "desk-c1@e2e.test"), await registerMember(auth, "desk-c2@e2e.test")];
    const md = c.metadata(admin);
    await c.withBookClient(async (client) => {
      const out = await client.call("checkOut", { barcode: "DESK-C1", patron: reader.userId }, md);
      expect(out.loan).toMatchObject({ userId: reader.userId, barcode: "DESK-C1" });
      const taken = await grpcRefusal(client.call("checkOut", { barcode: "DESK-C1", patron: other.userId }, md));
      expect([taken.code, errorInfoOf(taken)?.reason]).toEqual([grpc.status.FAILED_PRECONDITION, "COPY_NOT_AVAILABLE"]);
      const back = await client.call("checkIn", { barcode: "DESK-C1" }, md);
      expect(back).toMatchObject({ loan: { id: (out.loan as Body).id }, copy: { status: "COPY_STATUS_AVAILABLE" } });
      const notOnLoan = await grpcRefusal(client.call("checkIn", { barcode: "DESK-C1" }, md));
      expect([notOnLoan.code, errorInfoOf(notOnLoan)?.reason]).toEqual([grpc.status.FAILED_PRECONDITION, "COPY_NOT_ON_LOAN"]);
      const unknown = await grpcRefusal(client.call("checkIn", { barcode: "NO-SUCH-COPY" }, md));
      expect(unknown.code).toBe(grpc.status.NOT_FOUND);
    });
  });

  it("answers a retried CheckOut and CheckIn with the same Idempotency-Key again, acting once", async () => {
    await c.shelve("DESK-D1");
    const reader = await registerMember(auth, "desk-idem@e2e.test");
    const key = { "Idempotency-Key": randomUUID() };
    const first = await checkOut("DESK-D1", reader.userId, key);
    const again = await checkOut("DESK-D1", reader.userId, key);
    expect([first.status, first.headers.get("idempotency-replayed")]).toEqual([200, null]);
    expect([again.status, again.headers.get("idempotency-replayed")]).toEqual([200, "true"]);
    expect(again.body).toEqual(first.body);
    expect((await c.call("GET", "/api/v1/loans", reader.token)).body.totalSize).toBe(1);

    const inKey = randomUUID();
    await c.withBookClient(async (client) => {
      const md = c.metadata(admin, { "idempotency-key": inKey });
      const back = await client.callWithHeaders("checkIn", { barcode: "DESK-D1" }, md);
      const retried = await client.callWithHeaders("checkIn", { barcode: "DESK-D1" }, md);
      expect([back.headers.get("idempotency-replayed"), retried.headers.get("idempotency-replayed")]).toEqual([[], ["true"]]);
      expect(retried.res).toEqual(back.res);
    });
    const reused = await checkIn("DESK-D1", key);
    expect([reused.status, reasonOf(reused.body)]).toEqual([400, "IDEMPOTENCY_KEY_REUSED"]);
    expect((await c.call("GET", "/api/v1/loans?status=open", reader.token)).body.totalSize).toBe(0);
  });

  it("lends one copy to exactly one of N racing check-outs over REST and gRPC at once, the others COPY_NOT_AVAILABLE", async () => {
    const book = await c.shelve("DESK-E1");
    const readers = await Promise.all(Array.from({ length: 8 }, (_, i) => registerMember(auth, `desk-race-${i}@e2e.test`)));
    const cards = await Promise.all(readers.map((r) => cardOf(r.userId)));
    const md = c.metadata(admin);
    const outcomes = await c.withBookClient((client) =>
      Promise.all(
        readers.map(async (r, i) => {
          // Half by card number over REST, half by user id over gRPC: one copy, one winner.
          if (i % 2 === 0) {
            const res = await checkOut("DESK-E1", cards[i]);
            return res.status === 200 ? "lent" : String(reasonOf(res.body));
          }
          return client.call("checkOut", { barcode: "DESK-E1", patron: r.userId }, md).then(
            () => "lent",
            (err: unknown) => String(errorInfoOf(err)?.reason),
          );
        }),
      ),
    );
    expect(outcomes.filter((o) => o === "lent")).toHaveLength(1);
    expect(outcomes.filter((o) => o !== "lent")).toEqual(Array(7).fill("COPY_NOT_AVAILABLE"));
    expect((await c.call("GET", `/api/v1/books/${book}`)).body).toMatchObject({ totalCopies: 1, availableCopies: 0 });
    const open = await c.call("GET", "/api/v1/barcodes/DESK-E1", admin);
    expect(readers.map((r) => r.userId)).toContain((open.body.openLoan as Body).userId);
  });
});
