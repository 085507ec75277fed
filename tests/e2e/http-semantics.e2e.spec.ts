import * as grpc from "@grpc/grpc-js";
import { errorReasonOf } from "@lms/platform/testing/error-details";
import { rest } from "@lms/platform/testing/rest-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorInfoOf, grpcClient } from "./support/grpc-clients.js";
import { ADMIN, SERVER_KEY, type Stack, startStack } from "./support/stack.js";

type Body = Record<string, unknown> & { code?: number; details?: Record<string, unknown>[] };

// DESIGN.md §2 HTTP semantics across real processes: REST over HTTP and gRPC through @grpc/grpc-js.
describe("201 + Location, ETag / If-Match and PATCH end to end", () => {
  let stack: Stack;
  let author: string;
  let token: string;
  let client: ReturnType<typeof grpcClient>;

  beforeAll(async () => {
    stack = await startStack(["auth", "author"]);
    author = stack.services.author.baseUrl;
    token = String((await rest<Body>(stack.services.auth.baseUrl, "POST", "/api/v1/auth/login", { body: ADMIN })).body.accessToken);
    client = grpcClient("author", "AuthorService", stack.grpcAddr.author);
  });
  afterAll(async () => {
    client?.close();
    await stack?.stop();
  });

  const md = (extra: Record<string, string> = {}) => ({ "x-server-key": SERVER_KEY, authorization: `Bearer ${token}`, ...extra });

  it("REST creates with 201 + Location; gRPC reads carry the same ETag as response metadata", async () => {
    const created = await rest<Body>(author, "POST", "/api/v1/authors", { token, body: { name: "Ada Palmer", nationality: "US" } });
    expect(created.status).toBe(201);
    const location = String(created.headers.get("location"));
    expect(location).toBe(`/api/v1/authors/${created.body.id}`);
    const read = await rest<Body>(author, "GET", location);
    const { res, headers } = await client.callWithHeaders("getAuthor", { id: created.body.id }, md());
    expect(res.name).toBe("Ada Palmer");
    expect(headers.get("etag")).toEqual([read.headers.get("etag")]);
  });

  it("a gRPC write with a stale if-match is ABORTED with ETAG_MISMATCH and changes nothing; REST says 412", async () => {
    const { body } = await rest<Body>(author, "POST", "/api/v1/authors", { token, body: { name: "Stale Tag" } });
    const id = String(body.id);
    const stale = String((await rest(author, "GET", `/api/v1/authors/${id}`)).headers.get("etag"));
    const patched = await client.callWithHeaders(
      "patchAuthor",
      { id, author: { biography: "from gRPC", name: "ignored" }, updateMask: { paths: ["biography"] } },
      md({ "if-match": stale }),
    );
    expect(patched.res).toMatchObject({ name: "Stale Tag", biography: "from gRPC" });
    const fresh = String(patched.headers.get("etag")[0]);
    expect(fresh).not.toBe(stale);

    const err = await client.call("updateAuthor", { id, name: "Lost Update" }, md({ "if-match": stale })).catch((e: unknown) => e);
    expect((err as grpc.ServiceError).code).toBe(grpc.status.ABORTED);
    expect(errorInfoOf(err)).toMatchObject({ reason: "ETAG_MISMATCH", domain: "library.author.v1" });
    const viaRest = await rest<Body>(author, "PATCH", `/api/v1/authors/${id}`, {
      token,
      body: { name: "Lost" },
      headers: { "if-match": stale },
    });
    expect(viaRest.status).toBe(412);
    expect(errorReasonOf(viaRest.body)).toBe("ETAG_MISMATCH");

    const now = await rest<Body>(author, "GET", `/api/v1/authors/${id}`);
    expect(now.body).toMatchObject({ name: "Stale Tag", biography: "from gRPC" });
    expect(now.headers.get("etag")).toBe(fresh);
    const ok = await rest<Body>(author, "PATCH", `/api/v1/authors/${id}?updateMask=name`, {
      token,
      body: { name: "Fresh Tag" },
      headers: { "if-match": fresh },
    });
    expect([ok.status, ok.body.name, ok.body.biography]).toEqual([200, "Fresh Tag", "from gRPC"]);
  });

  it("gRPC PatchAuthor without a mask changes only the populated fields; an unknown path is INVALID_ARGUMENT", async () => {
    const { body } = await rest<Body>(author, "POST", "/api/v1/authors", { token, body: { name: "Implied", biography: "kept" } });
    const res = await client.call("patchAuthor", { id: body.id, author: { nationality: "NZ" } }, md());
    expect(res).toMatchObject({ name: "Implied", biography: "kept", nationality: "NZ" });
    const err = await client
      .call("patchAuthor", { id: body.id, author: {}, updateMask: { paths: ["shoe_size"] } }, md())
      .catch((e: unknown) => e);
    expect((err as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT);
  });
});
