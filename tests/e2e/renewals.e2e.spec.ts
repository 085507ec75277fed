import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CirculationStack, startCirculationStack } from "./support/circulation-stack.js";
import { type Body, reasonOf, registerMember } from "./support/fixtures.js";
import { errorInfoOf, grpcRefusal } from "./support/grpc-clients.js";

const DAY_MS = 86_400_000;

// RenewLoan and CheckBorrow (DESIGN.md §8) through the real auth and book processes, over REST
// and @grpc/grpc-js.
describe("renewals and the eligibility check end to end", () => {
  let c: CirculationStack;
  let admin: string;

  beforeAll(async () => {
    c = await startCirculationStack();
    admin = c.admin;
  });
  afterAll(async () => c?.stop());

  const createBook = (totalCopies: number, loanType = "standard") => c.createBook({ totalCopies, loanType });
  const borrow = async (token: string, bookId: string) => {
    const res = await c.call("POST", `/api/v1/books/${bookId}/borrow`, token, {});
    expect(res.status).toBe(200);
    return res.body.loan as Body;
  };
  const renew = (token: string, loanId: string, key?: string) =>
    c.call("POST", `/api/v1/loans/${loanId}/renew`, token, {}, key === undefined ? {} : { "Idempotency-Key": key });
  const daysFromNow = (at: unknown) => Math.round((Date.parse(String(at)) - Date.now()) / DAY_MS);

  it("renews a member's own loan; another member's is 403; an unknown loan 404", async () => {
    const [reader, other] = [await registerMember(c.auth, "renew-own@e2e.test"), await registerMember(c.auth, "renew-other@e2e.test")];
    const loan = await borrow(reader.token, await createBook(1));
    const renewed = await renew(reader.token, String(loan.id));
    expect(renewed.status).toBe(200);
    expect(renewed.body.loan).toMatchObject({ id: loan.id, renewalCount: 1, returnedAt: null });
    expect(daysFromNow((renewed.body.loan as Body).dueAt)).toBe(14);
    expect(Date.parse(String((renewed.body.loan as Body).dueAt))).toBeGreaterThanOrEqual(Date.parse(String(loan.dueAt)));

    const foreign = await renew(other.token, String(loan.id));
    expect([foreign.status, foreign.body.code]).toEqual([403, 7]);
    expect((await renew(reader.token, randomUUID())).status).toBe(404);
    expect((await renew(admin, String(loan.id))).body.loan).toMatchObject({ renewalCount: 2 });
  });

  it("stops at the policy's maxRenewals (RENEWAL_LIMIT_REACHED) and refuses a returned loan (LOAN_NOT_OPEN), over gRPC too", async () => {
    const res = await c.call("PUT", "/api/v1/loan-policies/*/once", admin, { loanable: true, loanDays: 7, maxRenewals: 1, maxLoans: 5 });
    expect(res.status).toBe(200);
    const reader = await registerMember(c.auth, "renew-limit@e2e.test");
    const book = await createBook(1, "once");
    const loan = await borrow(reader.token, book);
    expect((await renew(reader.token, String(loan.id))).body.loan).toMatchObject({ renewalCount: 1 });
    const limited = await renew(reader.token, String(loan.id));
    expect([limited.status, reasonOf(limited.body)]).toEqual([400, "RENEWAL_LIMIT_REACHED"]);

    await c.withBookClient(async (client) => {
      const md = c.metadata(reader.token);
      const err = await grpcRefusal(client.call("renewLoan", { id: loan.id }, md));
      expect([err.code, errorInfoOf(err)?.reason]).toEqual([9, "RENEWAL_LIMIT_REACHED"]);
      expect((await c.call("POST", `/api/v1/books/${book}/return`, reader.token, {})).status).toBe(200);
      const closed = await grpcRefusal(client.call("renewLoan", { id: loan.id }, md));
      expect([closed.code, errorInfoOf(closed)?.reason]).toEqual([9, "LOAN_NOT_OPEN"]);
    });
  });

  it("counts racing renewals of one loan once each, never past maxRenewals (2 under the default policy)", async () => {
    const reader = await registerMember(c.auth, "renew-race@e2e.test");
    const loan = await borrow(reader.token, await createBook(1));
    const results = await Promise.all(Array.from({ length: 10 }, () => renew(reader.token, String(loan.id))));
    const renewed = results.filter((r) => r.status === 200).map((r) => (r.body.loan as Body).renewalCount);
    expect(renewed.sort()).toEqual([1, 2]);
    for (const r of results.filter((x) => x.status !== 200)) expect([r.status, reasonOf(r.body)]).toEqual([400, "RENEWAL_LIMIT_REACHED"]);
    const open = await c.call("GET", "/api/v1/loans?status=open", reader.token);
    expect((open.body.loans as Body[]).map((l) => l.renewalCount)).toEqual([2]);
  });

  it("renews once for a retried RenewLoan with one Idempotency-Key, REST and gRPC alike", async () => {
    const reader = await registerMember(c.auth, "renew-retry@e2e.test");
    const loan = await borrow(reader.token, await createBook(1));
    const key = randomUUID();
    const first = await renew(reader.token, String(loan.id), key);
    const again = await renew(reader.token, String(loan.id), key);
    expect([first.status, first.headers.get("idempotency-replayed")]).toEqual([200, null]);
    expect([again.status, again.headers.get("idempotency-replayed"), again.body]).toEqual([200, "true", first.body]);

    await c.withBookClient(async (client) => {
      const overGrpc = await client.callWithHeaders("renewLoan", { id: loan.id }, c.metadata(reader.token, { "idempotency-key": key }));
      expect([overGrpc.headers.get("idempotency-replayed"), (overGrpc.res.loan as Body).renewalCount]).toEqual([["true"], 1]);
    });
    const open = await c.call("GET", "/api/v1/loans?status=open", reader.token);
    expect((open.body.loans as Body[]).map((l) => l.renewalCount)).toEqual([1]);
  });

  it("answers CheckBorrow: eligible with the due date, then two blockers at once; members ask only for themselves", async () => {
    const reader = await registerMember(c.auth, "eligibility@e2e.test");
    const book = await createBook(1);
    const eligible = await c.call("GET", `/api/v1/books/${book}/eligibility`, reader.token);
    expect(eligible.status).toBe(200);
    expect(eligible.body).toMatchObject({ eligible: true, blockers: [] });
    expect(daysFromNow(eligible.body.dueAt)).toBe(14);

    await borrow(reader.token, book);
    const blocked = await c.call("GET", `/api/v1/books/${book}/eligibility?userId=${reader.userId}`, admin);
    expect(blocked.body.eligible).toBe(false);
    expect((blocked.body.blockers as Body[]).map((b) => b.reason)).toEqual(["ALREADY_BORROWED", "NO_COPIES_AVAILABLE"]);
    expect((blocked.body.blockers as Body[])[1].message).toBe("no copy of this book is available");

    const other = await registerMember(c.auth, "eligibility-other@e2e.test");
    expect((await c.call("GET", `/api/v1/books/${book}/eligibility?userId=${reader.userId}`, other.token)).status).toBe(403);
    expect((await c.call("GET", `/api/v1/books/${randomUUID()}/eligibility`, other.token)).status).toBe(404);
    expect((await c.call("GET", `/api/v1/books/${book}/eligibility`)).status).toBe(401);

    await c.withBookClient(async (client) => {
      const res = await client.call("checkBorrow", { id: book }, c.metadata(reader.token));
      expect([res.eligible, (res.blockers as Body[]).map((b) => b.reason)]).toEqual([false, ["ALREADY_BORROWED", "NO_COPIES_AVAILABLE"]]);
    });
  });
});
