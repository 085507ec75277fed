import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { AuthorService } from "@lms/gen/library/author/v1/author_pb";
import { describe, expect, it } from "vitest";
import { bindService } from "../grpc/invoker.js";
import { createLogger } from "../observability/logger.js";
import { createMetrics } from "../observability/metrics.js";
import { invokerTransport } from "../testing/invoker-transport.js";
import { createTestIssuer } from "../testing/test-tokens.js";
import { createFaceChains, FACE_CHAINS } from "./face-chains.js";

const KEY = "face-chains-key";

/** A typed AuthorService client through each face's chain, as the host builds them. */
async function clients() {
  const issuer = await createTestIssuer();
  const chains = createFaceChains({
    log: createLogger("face-chains-spec", "silent"),
    metrics: createMetrics("face-chains-spec"),
    serverKey: KEY,
    verifier: issuer.verifier,
    services: [AuthorService],
  });
  const authors = bindService(AuthorService, {
    getAuthor: (req) => {
      if (req.id === "bug") throw new Error('relation "authors" does not exist');
      return { id: req.id, name: "Ursula" };
    },
    createAuthor: (req) => ({ id: "a2", name: req.name }),
  });
  return {
    issuer,
    grpc: createClient(AuthorService, invokerTransport([authors], chains.grpc)),
    rest: createClient(AuthorService, invokerTransport([authors], chains.rest)),
  };
}

async function codeOf(call: Promise<unknown>): Promise<Code | "OK"> {
  return call.then(
    () => "OK" as const,
    (err: unknown) => ConnectError.from(err).code,
  );
}

describe("FACE_CHAINS", () => {
  it("declares gRPC as observe, errors, key, access, text and REST as errors, access, text: no server key on REST", () => {
    expect(FACE_CHAINS.grpc).toEqual(["observe", "errors", "key", "access", "text"]);
    expect(FACE_CHAINS.rest).toEqual(["errors", "access", "text"]);
  });
});

describe("createFaceChains", () => {
  it("asks gRPC callers for the server key, and REST callers for none", async () => {
    const { grpc, rest } = await clients();
    expect(await codeOf(grpc.getAuthor({ id: "a1" }))).toBe(Code.Unauthenticated);
    expect(await codeOf(grpc.getAuthor({ id: "a1" }, { headers: { "x-server-key": KEY } }))).toBe("OK");
    expect(await codeOf(rest.getAuthor({ id: "a1" }))).toBe("OK");
  });

  it("applies the access rule, the text check and the error mapping on both faces", async () => {
    const { grpc, rest, issuer } = await clients();
    const key = { "x-server-key": KEY };
    const librarian = { authorization: `Bearer ${await issuer.token("ROLE_LIBRARIAN")}` };
    const member = { authorization: `Bearer ${await issuer.token("ROLE_MEMBER")}` };
    for (const [client, headers] of [
      [grpc, key],
      [rest, {}],
    ] as const) {
      expect(await codeOf(client.createAuthor({ name: "Ada" }, { headers }))).toBe(Code.Unauthenticated);
      expect(await codeOf(client.createAuthor({ name: "Ada" }, { headers: { ...headers, ...member } }))).toBe(Code.PermissionDenied);
      expect(await codeOf(client.createAuthor({ name: "Ada" }, { headers: { ...headers, ...librarian } }))).toBe("OK");
      expect(await codeOf(client.createAuthor({ name: "A\0da" }, { headers: { ...headers, ...librarian } }))).toBe(Code.InvalidArgument);
      expect(await codeOf(client.getAuthor({ id: "bug" }, { headers }))).toBe(Code.Internal);
    }
  });
});
