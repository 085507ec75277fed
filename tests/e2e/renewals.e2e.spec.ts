import { randomUUID } from "node:crypto";
import type * as grpc from "@grpc/grpc-js";
import { rest } from "@lms/platform/testing/rest-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Body, nextIsbn, reasonOf, registerMember } from "./support/fixtures.js";
import { errorInfoOf, grpcClient } from "./support/grpc-clients.js";
import { ADMIN, SERVER_KEY, type Stack, startStack } from "./support/stack.js";

const DAY_MS = 86_400_000;

// RenewLoan and CheckBorrow (DESIGN.md §8) through the real auth and book processes, over REST
// and @grpc/grpc-js.
describe("renewals and the eligibility check end to end", () => {
  let stack: Stack;
  let auth: string;
  let books: string;
  let admin: string;
  let authorId: string;

  beforeAll(async () => {
    stack = await startStack(["auth", "author", "category", "book"]);
    auth = stack.services.auth.baseUrl;
    books = stack.services.book.baseUrl;
    admin = String((await rest<Body>(auth, "POST", "/api/v1/auth/login", { body: ADMIN })).body.accessToken);
    authorId = String(
      (await rest<Body>(stack.services.author.baseUrl, "POST", "/api/v1/authors", { token: admin, body: { name: "Le Guin" } })).body.id,
    );
  });
  afterAll(async () => stack?.stop());

  const call = (method: string, path: string, token?: string, body?: unknown, key?: string) =>
    rest<Body>(books, method, path, { token, body, headers: key === undefined ? {} : { "Idempotency-Key": key } });
  const createBook = async (totalCopies: number, loanType = "standard") => {
    const res = await call("POST", "/api/v1/books", admin, {
      title: "The Dispossessed",
      isbn: nextIsbn(),
      authorId,
      totalCopies,
      loanType,
    });
    expect(res.status).toBe(201);
    return String(res.body.id);
  };
  const borrow = async (token: string, bookId: string) => {
    const res = await call("POST", `/api/v1/books/${bookId}/borrow`, token, {});
    expect(res.status).toBe(200);
    return res.body.loan as Body;
  };
  const renew = (token: string, loanId: string, key?: string) => call("POST", `/api/v1/loans/${loanId}/renew`, token, {}, key);
  const daysFromNow = (at: unknown) => Math.round((Date.parse(String(at)) - Date.now()) / DAY_MS);

  it("renews a member's own loan; another member's is 403; an unknown loan 404", async () => {
    const [reader, other] = [await registerMember(auth, "renew-own@e2e.test"), await registerMember(auth, "renew-other@e2e.test")];
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
    const res = await call("PUT", "/api/v1/loan-policies/*/once", admin, { loanable: true, loanDays: 7, maxRenewals: 1, maxLoans: 5 });
    expect(res.status).toBe(200);
    const reader = await registerMember(auth, "renew-limit@e2e.test");
    const book = await createBook(1, "once");
    const loan = await borrow(reader.token, book);
    expect((await renew(reader.token, String(loan.id))).body.loan).toMatchObject({ renewalCount: 1 });
    const limited = await renew(reader.token, String(loan.id));
    expect([limited.status, reasonOf(limited.body)]).toEqual([400, "RENEWAL_LIMIT_REACHED"]);

    const client = grpcClient("book", "BookService", stack.grpcAddr.book);
    try {
      const md = { "x-server-key": SERVER_KEY, authorization: `Bearer ${reader.token}` };
      const err = (await client.call("renewLoan", { id: loan.id }, md).catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
      expect([err.code, errorInfoOf(err)?.reason]).toEqual([9, "RENEWAL_LIMIT_REACHED"]);
      expect((await call("POST", `/api/v1/books/${book}/return`, reader.token, {})).status).toBe(200);
      const closed = (await client.call("renewLoan", { id: loan.id }, md).catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
      expect([closed.code, errorInfoOf(closed)?.reason]).toEqual([9, "LOAN_NOT_OPEN"]);
    } finally {
      client.close();
    }
  });

  it("counts racing renewals of one loan once each, never past maxRenewals (2 under the default policy)", async () => {
    const reader = await registerMember(auth, "renew-race@e2e.test");
    const loan = await borrow(reader.token, await createBook(1));
    const results = await Promise.all(Array.from({ length: 10 }, () => renew(reader.token, String(loan.id))));
    const renewed = results.filter((r) => r.status === 200).map((r) => (r.body.loan as Body).renewalCount);
    expect(renewed.sort()).toEqual([1, 2]);
    for (const r of results.filter((x) => x.status !== 200)) expect([r.status, reasonOf(r.body)]).toEqual([400, "RENEWAL_LIMIT_REACHED"]);
    const open = await call("GET", "/api/v1/loans?status=open", reader.token);
    expect((open.body.loans as Body[]).map((l) => l.renewalCount)).toEqual([2]);
  });

  it("renews once for a retried RenewLoan with one Idempotency-Key, REST and gRPC alike", async () => {
    const reader = await registerMember(auth, "renew-retry@e2e.test");
    const loan = await borrow(reader.token, await createBook(1));
    const key = randomUUID();
    const first = await renew(reader.token, String(loan.id), key);
    const again = await renew(reader.token, String(loan.id), key);
    expect([first.status, first.headers.get("idempotency-replayed")]).toEqual([200, null]);
    expect([again.status, again.headers.get("idempotency-replayed"), again.body]).toEqual([200, "true", first.body]);

    const client = grpcClient("book", "BookService", stack.grpcAddr.book);
    try {
      const md = { "x-server-key": SERVER_KEY, authorization: `Bearer ${reader.token}`, "idempotency-key": key };
      const overGrpc = await client.callWithHeaders("renewLoan", { id: loan.id }, md);
      expect([overGrpc.headers.get("idempotency-replayed"), (overGrpc.res.loan as Body).renewalCount]).toEqual([["true"], 1]);
    } finally {
      client.close();
    }
    const open = await call("GET", "/api/v1/loans?status=open", reader.token);
    expect((open.body.loans as Body[]).map((l) => l.renewalCount)).toEqual([1]);
  });

  it("answers CheckBorrow: eligible with the due date, then two blockers at once; members ask only for themselves", async () => {
    const reader = await registerMember(auth, "eligibility@e2e.test");
    const book = await createBook(1);
    const eligible = await call("GET", `/api/v1/books/${book}/eligibility`, reader.token);
    expect(eligible.status).toBe(200);
    expect(eligible.body).toMatchObject({ eligible: true, blockers: [] });
    expect(daysFromNow(eligible.body.dueAt)).toBe(14);

    await borrow(reader.token, book);
    const blocked = await call("GET", `/api/v1/books/${book}/eligibility?userId=${reader.userId}`, admin);
    expect(blocked.body.eligible).toBe(false);
    expect((blocked.body.blockers as Body[]).map((b) => b.reason)).toEqual(["ALREADY_BORROWED", "NO_COPIES_AVAILABLE"]);
    expect((blocked.body.blockers as Body[])[1].message).toBe("no copy of this book is available");

    const other = await registerMember(auth, "eligibility-other@e2e.test");
    expect((await call("GET", `/api/v1/books/${book}/eligibility?userId=${reader.userId}`, other.token)).status).toBe(403);
    expect((await call("GET", `/api/v1/books/${randomUUID()}/eligibility`, other.token)).status).toBe(404);
    expect((await call("GET", `/api/v1/books/${book}/eligibility`)).status).toBe(401);

    const client = grpcClient("book", "BookService", stack.grpcAddr.book);
    try {
      const md = { "x-server-key": SERVER_KEY, authorization: `Bearer ${reader.token}` };
      const res = await client.call("checkBorrow", { id: book }, md);
      expect([res.eligible, (res.blockers as Body[]).map((b) => b.reason)]).toEqual([false, ["ALREADY_BORROWED", "NO_COPIES_AVAILABLE"]]);
    } finally {
      client.close();
    }
  });
});
