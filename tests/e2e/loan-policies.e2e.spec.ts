import * as grpc from "@grpc/grpc-js";
import { rest } from "@lms/platform/testing/rest-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Body, nextIsbn, reasonOf, registerMember } from "./support/fixtures.js";
import { errorInfoOf, grpcClient, grpcCode } from "./support/grpc-clients.js";
import { freePort } from "./support/ports.js";
import { ServiceProcess } from "./support/service-process.js";
import { ADMIN, SERVER_KEY, type Stack, startStack } from "./support/stack.js";

// Loan policies and book loan types through real processes over REST and @grpc/grpc-js, with a
// second book process on the same database, as replicas run.
describe("loan policies end to end", () => {
  let stack: Stack;
  let replica: ServiceProcess;
  let admin: string;
  let authorId: string;
  const policyPath = (group: string, type: string) => `/api/v1/loan-policies/${group}/${type}`;
  const terms = { loanable: true, loanDays: 21, maxRenewals: 3, maxLoans: 10 };
  const as = (token?: string) => ({ "x-server-key": SERVER_KEY, ...(token ? { authorization: `Bearer ${token}` } : {}) });
  const list = async (url: string) => (await rest<Body>(url, "GET", "/api/v1/loan-policies")).body.policies as Body[];

  beforeAll(async () => {
    stack = await startStack(["auth", "author", "category", "book"]);
    const auth = stack.services.auth.baseUrl;
    replica = new ServiceProcess("book", await freePort(), await freePort(), {
      DATABASE_URL: stack.databaseUrls.book,
      SERVER_KEY,
      HOST: "127.0.0.1",
      AUTH_JWKS_URL: `${auth}/.well-known/jwks.json`,
      AUTHOR_GRPC_ADDR: stack.grpcAddr.author,
      CATEGORY_GRPC_ADDR: stack.grpcAddr.category,
      AUTH_GRPC_ADDR: stack.grpcAddr.auth,
    });
    await replica.start();
    admin = String((await rest<Body>(auth, "POST", "/api/v1/auth/login", { body: ADMIN })).body.accessToken);
    const author = await rest<Body>(stack.services.author.baseUrl, "POST", "/api/v1/authors", {
      token: admin,
      body: { name: "Policy Author" },
    });
    authorId = String(author.body.id);
  });
  afterAll(async () => {
    await replica?.stop();
    await stack?.stop();
  });

  it("over REST: one (*, *) row at start, writes on one replica seen on the other, the default undeletable", async () => {
    const [a, b] = [stack.services.book.baseUrl, replica.baseUrl];
    expect(await list(b)).toEqual([{ patronGroup: "*", loanType: "*", loanable: true, loanDays: 14, maxRenewals: 2, maxLoans: 5 }]);
    const put = await rest<Body>(a, "PUT", policyPath("Student", "dvd"), { token: admin, body: terms });
    expect([put.status, put.body]).toEqual([200, { patronGroup: "student", loanType: "dvd", ...terms }]);
    expect(await list(b)).toContainEqual({ patronGroup: "student", loanType: "dvd", ...terms });
    const member = await registerMember(stack.services.auth.baseUrl, "policy-member@e2e.test");
    expect((await rest<Body>(b, "PUT", policyPath("x", "y"), { token: member.token, body: terms })).status).toBe(403);
    expect((await rest<Body>(b, "DELETE", policyPath("student", "dvd"))).status).toBe(401);
    const refused = await rest<Body>(b, "DELETE", policyPath("*", "*"), { token: admin });
    expect([refused.status, refused.body.code, reasonOf(refused.body)]).toEqual([400, 9, "DEFAULT_POLICY"]);
    expect((await rest<Body>(b, "DELETE", policyPath("student", "dvd"), { token: admin })).body).toEqual({});
    expect((await rest<Body>(a, "DELETE", policyPath("student", "dvd"), { token: admin })).status).toBe(404);
    const bad = await rest<Body>(a, "PUT", policyPath("*", "dvd"), { token: admin, body: { loanDays: 400 } });
    expect([bad.status, bad.body.code]).toEqual([400, 3]);
    expect(await list(a)).toHaveLength(1);
  });

  it("racing Puts of one key through both replicas leave exactly one of them, whole", async () => {
    const bodies = Array.from({ length: 12 }, (_, n) => ({ loanable: n % 2 === 0, loanDays: n, maxRenewals: n, maxLoans: n }));
    const urls = [stack.services.book.baseUrl, replica.baseUrl];
    const answers = await Promise.all(
      bodies.map((body, n) => rest<Body>(urls[n % 2], "PUT", policyPath("race", "*"), { token: admin, body })),
    );
    expect(answers.map((r) => r.status)).toEqual(bodies.map(() => 200));
    const stored = (await list(urls[0])).find((p) => p.patronGroup === "race");
    expect(bodies.map((b) => ({ patronGroup: "race", loanType: "*", ...b }))).toContainEqual(stored);
    expect((await list(urls[1])).find((p) => p.patronGroup === "race")).toEqual(stored);
  });

  it("over gRPC: list, put (false and 0 are values), delete, with the REST rules and reasons", async () => {
    const client = grpcClient("book", "BookService", replica.grpcAddress);
    const key = { patronGroup: "kids", loanType: "reference" };
    const put = { ...key, loanable: false, loanDays: 0, maxRenewals: 0, maxLoans: 0 };
    expect(await client.call("putLoanPolicy", put, as(admin))).toEqual(put);
    expect(((await client.call("listLoanPolicies", {}, as())).policies as Body[]).find((p) => p.patronGroup === "kids")).toEqual(put);
    expect(await grpcCode(client.call("putLoanPolicy", put, as()))).toBe(grpc.status.UNAUTHENTICATED);
    expect(await grpcCode(client.call("putLoanPolicy", { ...key, loanDays: 3 }, as(admin)))).toBe(grpc.status.INVALID_ARGUMENT);
    const refused = await client
      .call("deleteLoanPolicy", { patronGroup: "*", loanType: "*" }, as(admin))
      .catch((e: grpc.ServiceError) => e);
    expect(errorInfoOf(refused)).toMatchObject({ reason: "DEFAULT_POLICY", domain: "library.book.v1" });
    expect(await client.call("deleteLoanPolicy", key, as(admin))).toEqual({});
    expect(await grpcCode(client.call("deleteLoanPolicy", key, as(admin)))).toBe(grpc.status.NOT_FOUND);
    client.close();
  });

  it("carries a book's loanType through CreateBook, GetBook and PatchBook over REST and gRPC", async () => {
    const url = stack.services.book.baseUrl;
    const created = await rest<Body>(url, "POST", "/api/v1/books", {
      token: admin,
      body: { title: "Atlas", isbn: nextIsbn(), authorId, totalCopies: 1, loanType: "Reference" },
    });
    expect([created.status, created.body.loanType]).toEqual([201, "reference"]);
    const id = String(created.body.id);
    expect((await rest<Body>(replica.baseUrl, "GET", `/api/v1/books/${id}`)).body.loanType).toBe("reference");
    const patched = await rest<Body>(url, "PATCH", `/api/v1/books/${id}`, { token: admin, body: { loanType: "short_loan" } });
    expect(patched.body).toMatchObject({ title: "Atlas", loanType: "short_loan" });

    const client = grpcClient("book", "BookService", stack.grpcAddr.book);
    const plain = await client.call("createBook", { title: "Plain", isbn: nextIsbn(), authorId, totalCopies: 1 }, as(admin));
    expect(plain.loanType).toBe("standard");
    const dvd = await client.call(
      "patchBook",
      { id: plain.id, book: { loanType: "dvd" }, updateMask: { paths: ["loan_type"] } },
      as(admin),
    );
    expect(dvd).toMatchObject({ title: "Plain", loanType: "dvd" });
    expect((await client.call("getBook", { id: plain.id }, as())).loanType).toBe("dvd");
    client.close();
  });
});
