import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { Health, HealthCheckResponse_ServingStatus } from "@lms/gen/grpc/health/v1/health_pb";
import { AuthorService } from "@lms/gen/library/author/v1/author_pb";
import { beforeEach, describe, expect, it } from "vitest";
import { invokerTransport } from "../testing/invoker-transport.js";
import { bindService } from "./invoker.js";
import { createServerKeyInterceptor } from "./server-key.interceptor.js";

const KEY = "the-server-key";
let calls = 0;

const transport = invokerTransport(
  [
    bindService(AuthorService, {
      getAuthor(req) {
        calls++;
        return { id: req.id, name: "Ursula" };
      },
    }),
    bindService(Health, { check: () => ({ status: HealthCheckResponse_ServingStatus.SERVING }) }),
  ],
  [createServerKeyInterceptor(KEY)],
);
const authors = createClient(AuthorService, transport);
const health = createClient(Health, transport);

function getAuthorWith(headers: Record<string, string>) {
  return authors.getAuthor({ id: "a1" }, { headers });
}

async function codeOf(call: Promise<unknown>): Promise<Code> {
  return call.then(
    () => expect.unreachable("the call should fail"),
    (e: unknown) => ConnectError.from(e).code,
  );
}

describe("createServerKeyInterceptor", () => {
  beforeEach(() => {
    calls = 0;
  });

  it("lets a call with the right key through", async () => {
    expect((await getAuthorWith({ "x-server-key": KEY })).name).toBe("Ursula");
    expect(calls).toBe(1);
  });

  it("refuses a call without a key as UNAUTHENTICATED, before the handler", async () => {
    expect(await codeOf(getAuthorWith({}))).toBe(Code.Unauthenticated);
    expect(calls).toBe(0);
  });

  it.each(["wrong-key", `${KEY}x`, KEY.slice(0, -1), "x"])("refuses the wrong key %j without calling the handler", async (key) => {
    expect(await codeOf(getAuthorWith({ "x-server-key": key }))).toBe(Code.Unauthenticated);
    expect(calls).toBe(0);
  });

  it("lets the standard health check through without a key", async () => {
    const res = await health.check({ service: "" });
    expect(res.status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });
});
