import { Code } from "@connectrpc/connect";
import { errorReasonOf, violatedFields } from "@lms/platform/testing/error-details";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Body, type BookTestApp, startBookTestApp, WITH_SERVER_KEY } from "./book-test-app.js";

// The three policy methods as the service mounts them (REST and the in-process gRPC client), on
// a real database; LOAN_DAYS and MAX_ACTIVE_LOANS give the first (*, *) row.
describe("loan policy methods", () => {
  let t: BookTestApp;
  const path = (group: string, type: string) => `/api/v1/loan-policies/${encodeURIComponent(group)}/${encodeURIComponent(type)}`;
  const terms = { loanable: true, loanDays: 21, maxRenewals: 3, maxLoans: 10 };
  const list = async () => (await t.call("GET", "/api/v1/loan-policies", undefined, "")).body.policies as Body[];

  beforeAll(async () => {
    t = await startBookTestApp({ LOAN_DAYS: "10", MAX_ACTIVE_LOANS: "3" });
  });
  afterAll(async () => t?.stop());

  it("starts with the (*, *) policy from LOAN_DAYS, MAX_ACTIVE_LOANS and 2 renewals, listed to anyone", async () => {
    expect(await list()).toEqual([{ patronGroup: "*", loanType: "*", loanable: true, loanDays: 10, maxRenewals: 2, maxLoans: 3 }]);
  });

  it("creates and replaces a policy (keys lower-cased), lists by group then type, and the cache serves it at once", async () => {
    const put = await t.call("PUT", path("Student", "DVD"), terms);
    expect([put.status, put.body]).toEqual([200, { patronGroup: "student", loanType: "dvd", ...terms }]);
    expect((await t.call("PUT", path("student", "*"), { ...terms, loanDays: 7 })).status).toBe(200);
    expect((await t.call("PUT", path("*", "dvd"), { ...terms, loanDays: 3 })).status).toBe(200);
    expect(await t.app.policies.policyFor("student", "dvd")).toMatchObject({ loanDays: 21 });
    const replaced = await t.call("PUT", path("student", "dvd"), { loanable: false, loanDays: 0, maxRenewals: 0, maxLoans: 0 });
    expect(replaced.body).toEqual({ patronGroup: "student", loanType: "dvd", loanable: false, loanDays: 0, maxRenewals: 0, maxLoans: 0 });
    expect(await t.app.policies.policyFor("student", "dvd")).toMatchObject({ loanable: false, loanDays: 0 });
    expect(await t.app.policies.policyFor("student", "book")).toMatchObject({ patronGroup: "student", loanType: "*", loanDays: 7 });
    expect(await t.app.policies.policyFor("staff", "dvd")).toMatchObject({ patronGroup: "*", loanType: "dvd", loanDays: 3 });
    expect((await list()).map((p) => `${p.patronGroup}/${p.loanType}`)).toEqual(["*/*", "*/dvd", "student/*", "student/dvd"]);
  });

  it("changes the (*, *) policy but never deletes it (DEFAULT_POLICY)", async () => {
    expect((await t.call("PUT", path("*", "*"), { ...terms, loanDays: 12 })).body).toMatchObject({ loanDays: 12 });
    const refused = await t.call("DELETE", path("*", "*"));
    expect([refused.status, refused.body.code, errorReasonOf(refused.body)]).toEqual([400, Code.FailedPrecondition, "DEFAULT_POLICY"]);
    expect((await list())[0]).toMatchObject({ patronGroup: "*", loanType: "*", loanDays: 12 });
    expect(await t.app.policies.policyFor("nobody", "nothing")).toMatchObject({ loanDays: 12 });
  });

  it("deletes a policy once; then it is NOT_FOUND and lends fall back to the next row", async () => {
    await t.call("PUT", path("teacher", "*"), terms);
    expect((await t.app.policies.policyFor("teacher", "book")).loanDays).toBe(21);
    const deleted = await t.call("DELETE", path("Teacher", "*"));
    expect([deleted.status, deleted.body]).toEqual([200, {}]);
    expect((await t.app.policies.policyFor("teacher", "book")).patronGroup).toBe("*");
    expect((await t.call("DELETE", path("teacher", "*"))).status).toBe(404);
  });

  it("names every invalid field at once and writes nothing", async () => {
    const bad = await t.call("PUT", path("no spaces", "x".repeat(33)), { loanDays: 366, maxRenewals: 100, maxLoans: -1 });
    expect(bad.status).toBe(400);
    expect(violatedFields(bad.body)).toEqual(["patronGroup", "loanType", "loanable", "loanDays", "maxRenewals", "maxLoans"]);
    expect((await t.call("PUT", path("a", "b"), { ...terms, loanDays: "many" })).status).toBe(400);
    const badDelete = await t.call("DELETE", path("**", "a.b"));
    expect([badDelete.status, violatedFields(badDelete.body)]).toEqual([400, ["patronGroup", "loanType"]]);
    expect((await list()).some((p) => p.patronGroup === "a" || p.patronGroup === "no spaces")).toBe(false);
  });

  it("lets only librarians write", async () => {
    expect((await t.call("PUT", path("x", "y"), terms, t.member)).status).toBe(403);
    expect((await t.call("PUT", path("x", "y"), terms, "")).status).toBe(401);
    expect((await t.call("DELETE", path("student", "dvd"), undefined, t.member)).status).toBe(403);
    expect((await t.call("GET", "/api/v1/loan-policies", undefined, t.member)).status).toBe(200);
  });

  it("over gRPC: false and 0 are values (proto3 optional), a missing term is refused", async () => {
    const auth = { headers: { ...WITH_SERVER_KEY.headers, authorization: `Bearer ${t.librarian}` } };
    const saved = await t.grpc.putLoanPolicy(
      { patronGroup: "kids", loanType: "reference", loanable: false, loanDays: 0, maxRenewals: 0, maxLoans: 0 },
      auth,
    );
    expect(saved).toMatchObject({ patronGroup: "kids", loanType: "reference", loanable: false, loanDays: 0 });
    const missing = await t.grpc.putLoanPolicy({ patronGroup: "kids", loanType: "reference", loanDays: 1 }, auth).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringContaining("loanable") });
    const { policies } = await t.grpc.listLoanPolicies({}, WITH_SERVER_KEY);
    expect(policies.find((p) => p.patronGroup === "kids")).toMatchObject({ loanable: false, maxLoans: 0 });
    await t.grpc.deleteLoanPolicy({ patronGroup: "kids", loanType: "reference" }, auth);
    const gone = await t.grpc.deleteLoanPolicy({ patronGroup: "kids", loanType: "reference" }, auth).catch((e: unknown) => e);
    expect(gone).toMatchObject({ code: Code.NotFound });
  });
});
