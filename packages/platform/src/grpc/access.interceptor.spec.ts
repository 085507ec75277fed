import { clearExtension, type DescService, setExtension } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type HandlerContext } from "@connectrpc/connect";
import { Health, HealthCheckResponse_ServingStatus } from "@lms/gen/grpc/health/v1/health_pb";
import { Rule, rule } from "@lms/gen/library/access/v1/access_pb";
import { AuthService } from "@lms/gen/library/auth/v1/auth_pb";
import { AuthorService, file_library_author_v1_author } from "@lms/gen/library/author/v1/author_pb";
import { BookService } from "@lms/gen/library/book/v1/book_pb";
import { CategoryService } from "@lms/gen/library/category/v1/category_pb";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Principal, principalKey } from "../auth/principal.js";
import { registryWithEditedMethod } from "../testing/edited-protos.js";
import { invokerTransport } from "../testing/invoker-transport.js";
import { createTestIssuer, type TestIssuer } from "../testing/test-tokens.js";
import { createAccessInterceptor } from "./access.interceptor.js";
import { bindService } from "./invoker.js";

// The rules are the protos' (library.access.v1.rule) options: GetAuthor anyone, CreateAuthor and
// DeleteAuthor librarian, BatchGetAuthors service, SetUserRole admin, ListLoans member.
// CategoryService is served but not handed to the interceptor: it must fail closed.

/** AuthorService as the proto declares it, but with `method`'s access rule removed. */
function authorServiceWithoutRule(method: string): DescService {
  const registry = registryWithEditedMethod(file_library_author_v1_author, `AuthorService.${method}`, (o) => clearExtension(o, rule));
  const service = registry.getService(AuthorService.typeName);
  if (!service) throw new Error("no AuthorService");
  return service;
}

/** AuthorService with `method` made service-only, though it keeps its REST binding. */
function authorServiceWithServiceRuleOn(method: string): DescService {
  const registry = registryWithEditedMethod(file_library_author_v1_author, `AuthorService.${method}`, (o) =>
    setExtension(o, rule, Rule.SERVICE),
  );
  const service = registry.getService(AuthorService.typeName);
  if (!service) throw new Error("no AuthorService");
  return service;
}

let issuer: TestIssuer;
let seen: (Principal | undefined)[] = [];
let client: ReturnType<typeof createClient<typeof AuthorService>>;
let auth: ReturnType<typeof createClient<typeof AuthService>>;
let book: ReturnType<typeof createClient<typeof BookService>>;
let category: ReturnType<typeof createClient<typeof CategoryService>>;
let health: ReturnType<typeof createClient<typeof Health>>;

beforeAll(async () => {
  issuer = await createTestIssuer();
  const record = (_req: unknown, ctx: HandlerContext) => {
    seen.push(ctx.values.get(principalKey));
    return {};
  };
  // Through the invoker both faces use in production, behind the interceptor under test.
  const transport = invokerTransport(
    [
      bindService(AuthorService, {
        getAuthor: record,
        listAuthors: record,
        createAuthor: record,
        updateAuthor: record,
        deleteAuthor: record,
        batchGetAuthors: record,
      }),
      bindService(AuthService, { setUserRole: record }),
      bindService(BookService, { listLoans: record }),
      bindService(CategoryService, { getCategory: record }),
      bindService(Health, { check: () => ({ status: HealthCheckResponse_ServingStatus.SERVING }) }),
    ],
    [createAccessInterceptor([AuthorService, AuthService, BookService], issuer.verifier)],
  );
  client = createClient(AuthorService, transport);
  auth = createClient(AuthService, transport);
  book = createClient(BookService, transport);
  category = createClient(CategoryService, transport);
  health = createClient(Health, transport);
});

beforeEach(() => {
  seen = [];
});

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

async function codeOf(call: Promise<unknown>): Promise<Code> {
  return call.then(
    () => expect.unreachable("the call should fail"),
    (e: unknown) => ConnectError.from(e).code,
  );
}

/** An unsigned token (`alg: none`) with otherwise valid librarian claims. */
function algNoneToken(): string {
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sub: "u1",
    email: "x@example.test",
    role: "ROLE_LIBRARIAN",
    iss: "library-auth",
    aud: "library",
    iat: now,
    exp: now + 600,
  };
  return `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.`;
}

describe("createAccessInterceptor", () => {
  it("lets anyone call an open method without a token, with no principal", async () => {
    await client.getAuthor({ id: "a1" });
    expect(seen).toEqual([undefined]);
  });

  it("refuses a librarian method without a token as UNAUTHENTICATED", async () => {
    expect(await codeOf(client.createAuthor({ name: "n" }))).toBe(Code.Unauthenticated);
    expect(seen).toEqual([]);
  });

  it("refuses a librarian method to a member as PERMISSION_DENIED", async () => {
    const token = await issuer.token("ROLE_MEMBER");
    expect(await codeOf(client.createAuthor({ name: "n" }, bearer(token)))).toBe(Code.PermissionDenied);
    expect(seen).toEqual([]);
  });

  it("lets a librarian through and puts the principal in the handler's context", async () => {
    const token = await issuer.token("ROLE_LIBRARIAN", "0b6f3a52-3c1d-4f55-9a53-8f1e2c7d9a10");
    await client.createAuthor({ name: "n" }, bearer(token));
    expect(seen).toEqual([
      {
        userId: "0b6f3a52-3c1d-4f55-9a53-8f1e2c7d9a10",
        email: "0b6f3a52@example.test",
        role: "ROLE_LIBRARIAN",
        expiresAt: expect.any(Date),
      },
    ]);
  });

  it("lets an admin call a librarian method, and only an admin call an admin method", async () => {
    await client.createAuthor({ name: "n" }, bearer(await issuer.token("ROLE_ADMIN")));
    await auth.setUserRole({ userId: "u1" }, bearer(await issuer.token("ROLE_ADMIN")));
    expect(await codeOf(auth.setUserRole({ userId: "u1" }, bearer(await issuer.token("ROLE_LIBRARIAN"))))).toBe(Code.PermissionDenied);
    expect(await codeOf(auth.setUserRole({ userId: "u1" }))).toBe(Code.Unauthenticated);
    expect(seen).toHaveLength(2);
  });

  it("lets any valid token call a member method but not an anonymous caller", async () => {
    await book.listLoans({}, bearer(await issuer.token("ROLE_MEMBER")));
    expect(seen).toHaveLength(1);
    expect(await codeOf(book.listLoans({}))).toBe(Code.Unauthenticated);
  });

  it("lets a service method through with no token (the server key guards it)", async () => {
    await client.batchGetAuthors({ ids: [] });
    expect(seen).toEqual([undefined]);
  });

  it("fails closed for a method of a service it was not given, even for an admin", async () => {
    expect(await codeOf(category.getCategory({ id: "c1" }, bearer(await issuer.token("ROLE_ADMIN"))))).toBe(Code.PermissionDenied);
    expect(seen).toEqual([]);
  });

  it("refuses to be built, naming the method, when a method declares no rule", () => {
    const stripped = authorServiceWithoutRule("UpdateAuthor");
    expect(() => createAccessInterceptor([stripped], issuer.verifier)).toThrow(
      "no (library.access.v1.rule) option on: library.author.v1.AuthorService/UpdateAuthor",
    );
    expect(() => createAccessInterceptor([authorServiceWithoutRule("GetAuthor")], issuer.verifier)).toThrow(/AuthorService\/GetAuthor$/);
  });

  it("refuses to be built when a service-only method has a REST binding (REST calls with the server key)", () => {
    expect(() => createAccessInterceptor([authorServiceWithServiceRuleOn("GetAuthor")], issuer.verifier)).toThrow(
      "library.author.v1.AuthorService/GetAuthor: a RULE_SERVICE method cannot have a REST binding",
    );
  });

  it.each(["Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", "token-without-scheme"])(
    "refuses the malformed header %j as UNAUTHENTICATED",
    async (header) => {
      expect(await codeOf(client.getAuthor({ id: "a1" }, { headers: { authorization: header } }))).toBe(Code.Unauthenticated);
      expect(seen).toEqual([]);
    },
  );

  it("refuses an expired token, even on an open method", async () => {
    const token = await issuer.token("ROLE_LIBRARIAN", undefined, { expiresIn: "-1h" });
    expect(await codeOf(client.getAuthor({ id: "a1" }, bearer(token)))).toBe(Code.Unauthenticated);
    expect(await codeOf(client.createAuthor({ name: "n" }, bearer(token)))).toBe(Code.Unauthenticated);
    expect(seen).toEqual([]);
  });

  it("refuses an unsigned alg:none token", async () => {
    expect(await codeOf(client.createAuthor({ name: "n" }, bearer(algNoneToken())))).toBe(Code.Unauthenticated);
    expect(seen).toEqual([]);
  });

  it("refuses a token whose signature was tampered with", async () => {
    const [header, payload, signature] = (await issuer.token("ROLE_MEMBER")).split(".");
    const claims = { ...JSON.parse(Buffer.from(payload, "base64url").toString()), role: "ROLE_ADMIN" };
    const token = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
    expect(await codeOf(client.deleteAuthor({ id: "a1" }, bearer(token)))).toBe(Code.Unauthenticated);
  });

  it("lets the health check through without a rule or token", async () => {
    expect((await health.check({})).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });
});
