import * as grpc from "@grpc/grpc-js";
import { rest } from "@lms/platform/testing/rest-client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CirculationStack, startCirculationStack } from "./support/circulation-stack.js";
import { type Body, reasonOf, registerMember } from "./support/fixtures.js";
import { errorInfoOf, grpcRefusal } from "./support/grpc-clients.js";

const DAY_MS = 86_400_000;

// Lending under the loan policies, with the borrower's patron group asked of the real auth
// service (DESIGN.md §8), through real processes over REST and @grpc/grpc-js.
describe("lending rules end to end", () => {
  let c: CirculationStack;
  let auth: string;
  let admin: string;

  beforeAll(async () => {
    // Remember no patron, so a group changed by UpdateUser applies at the next lend.
    c = await startCirculationStack({ env: { PATRON_CACHE_SECONDS: "0" }, authorName: "Tove" });
    [auth, admin] = [c.auth, c.admin];
  });
  afterAll(async () => c?.stop());

  const createBook = (loanType: string, totalCopies = 3) => c.createBook({ title: `A ${loanType}`, totalCopies, loanType });
  const setGroup = async (userId: string, patronGroup: string) => {
    const res = await rest<Body>(auth, "PATCH", `/api/v1/users/${userId}`, {
      token: admin,
      body: { patronGroup, updateMask: "patronGroup" },
    });
    expect(res.status).toBe(200);
  };
  const putPolicy = async (group: string, type: string, terms: Record<string, unknown>) => {
    const res = await c.call("PUT", `/api/v1/loan-policies/${encodeURIComponent(group)}/${encodeURIComponent(type)}`, admin, terms);
    expect(res.status).toBe(200);
  };

  it("lends under the policy of the borrower's patron group and the book's loan type", async () => {
    const reader = await registerMember(auth, "lending-student@e2e.test");
    const [dvd, book] = [await createBook("dvd"), await createBook("standard")];
    await putPolicy("student", "dvd", { loanable: true, loanDays: 3, maxRenewals: 0, maxLoans: 1 });

    const before = Date.now();
    const asDefault = await c.call("POST", `/api/v1/books/${dvd}/borrow`, reader.token, {});
    const defaultDue = Date.parse(String((asDefault.body.loan as Body).dueAt)) - before;
    expect(Math.round(defaultDue / DAY_MS)).toBe(14); // the (*, *) row: LOAN_DAYS
    await c.call("POST", `/api/v1/books/${dvd}/return`, reader.token, {});

    await setGroup(reader.userId, "student");
    const asStudent = await c.call("POST", `/api/v1/books/${dvd}/borrow`, reader.token, {});
    expect(asStudent.status).toBe(200);
    expect(Math.round((Date.parse(String((asStudent.body.loan as Body).dueAt)) - Date.now()) / DAY_MS)).toBe(3);
    // maxLoans 1 for a student's DVD: any second open loan is over the limit.
    const second = await c.call("POST", `/api/v1/books/${book}/borrow`, reader.token, {});
    expect(second.status).toBe(200);
    const third = await c.call("POST", `/api/v1/books/${await createBook("dvd")}/borrow`, reader.token, {});
    expect([third.status, reasonOf(third.body)]).toEqual([400, "LOAN_LIMIT_REACHED"]);
  });

  it("refuses a loan type the policy does not lend, and names the reason over gRPC too", async () => {
    const reader = await registerMember(auth, "lending-reference@e2e.test");
    const reference = await createBook("reference");
    await putPolicy("*", "reference", { loanable: false, loanDays: 0, maxRenewals: 0, maxLoans: 0 });
    const res = await c.call("POST", `/api/v1/books/${reference}/borrow`, reader.token, {});
    expect([res.status, reasonOf(res.body)]).toEqual([400, "ITEM_NOT_LOANABLE"]);

    await c.withBookClient(async (client) => {
      const err = await grpcRefusal(client.call("borrowBook", { id: reference }, c.metadata(reader.token)));
      expect(err.code).toBe(grpc.status.FAILED_PRECONDITION);
      expect(errorInfoOf(err)?.reason).toBe("ITEM_NOT_LOANABLE");
    });
  });

  it("refuses a borrower the auth service does not know with USER_NOT_FOUND", async () => {
    const book = await createBook("standard");
    const res = await c.call("POST", `/api/v1/books/${book}/borrow`, admin, { userId: "7a1e2d3c-4b5a-4f6e-8d7c-9b0a1f2e3d4c" });
    expect([res.status, reasonOf(res.body)]).toEqual([404, "USER_NOT_FOUND"]);
    expect((await c.call("GET", `/api/v1/books/${book}`)).body.availableCopies).toBe(3);
  });

  it("blocks a borrower with an overdue loan (PATRON_BLOCKED, overdueLoans) until it comes back", async () => {
    const reader = await registerMember(auth, "lending-overdue@e2e.test");
    const [late, next] = [await createBook("standard"), await createBook("standard")];
    const lent = await c.call("POST", `/api/v1/books/${late}/borrow`, reader.token, {});
    // Time passes: the loan's due date moves into the past in the book service's own database.
    const db = new pg.Client({ connectionString: c.stack.databaseUrls.book });
    await db.connect();
    try {
      await db.query("update loans set borrowed_at = now() - interval '16 days', due_at = now() - interval '2 days' where id = $1", [
        (lent.body.loan as Body).id,
      ]);
    } finally {
      await db.end();
    }
    const blocked = await c.call("POST", `/api/v1/books/${next}/borrow`, reader.token, {});
    expect([blocked.status, reasonOf(blocked.body)]).toEqual([400, "PATRON_BLOCKED"]);
    expect(blocked.body.details?.find((d) => d.reason === "PATRON_BLOCKED")?.metadata).toMatchObject({ overdueLoans: "1" });

    expect((await c.call("POST", `/api/v1/books/${late}/return`, reader.token, {})).status).toBe(200);
    expect((await c.call("POST", `/api/v1/books/${next}/borrow`, reader.token, {})).status).toBe(200);
  });
});
