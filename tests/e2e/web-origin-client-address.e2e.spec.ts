import type { ServiceProcess } from "@lms/cli/service-process";
import { trustedProxiesBehindOrigin } from "@lms/cli/web-origin";
import { rest } from "@lms/platform/testing/rest-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Body } from "./support/fixtures.js";
import { type Stack, startStack } from "./support/stack.js";
import { startWebOrigin, writeTinyApp } from "./support/web-origin.js";

const PER_ADDRESS = 3;
const READER = { email: "budget@e2e.test", password: "correct horse battery", name: "Budget Reader" };
const RIGHT = { email: READER.email, password: READER.password };
const WRONG = { email: READER.email, password: "wrong horse battery" };

// `make run`'s wiring (packages/cli/src/run-all.ts): the services trust the origin's address
// (loopback here) for X-Forwarded-For, so the per-address login limit counts each browser, not
// the origin. Two clients behind the origin, told apart only by the X-Forwarded-For they send.
describe("per-address login limits through the web origin, as `make run` wires them", () => {
  let stack: Stack;
  let origin: ServiceProcess;
  let web: string;
  const loginFrom = (client: string, body: object) =>
    rest<Body>(web, "POST", "/api/v1/auth/login", { body, headers: { "x-forwarded-for": client } });

  beforeAll(async () => {
    stack = await startStack(["auth"], {
      env: {
        TRUSTED_PROXIES: trustedProxiesBehindOrigin({}, "127.0.0.1"),
        LOGIN_MAX_FAILURES_PER_IP: String(PER_ADDRESS),
        // Far above: only the per-address budget can run out here.
        LOGIN_MAX_FAILURES: "100",
      },
    });
    ({ proc: origin, baseUrl: web } = await startWebOrigin(stack, writeTinyApp()));
    expect((await rest(web, "POST", "/api/v1/auth/register", { body: READER })).status).toBe(201);
  });
  afterAll(async () => {
    await origin?.stop();
    await stack?.stop();
  });

  it("gives two clients separate failure budgets: one locked out, the other still logs in", async () => {
    const first: number[] = [];
    for (let i = 0; i < PER_ADDRESS; i++) first.push((await loginFrom("203.0.113.1", WRONG)).status);
    expect(first).toEqual(Array(PER_ADDRESS).fill(401));
    const limited = await loginFrom("203.0.113.1", RIGHT);
    expect([limited.status, limited.body.code]).toEqual([429, 8]);
    expect(String(limited.body.message)).toContain("address");

    // Another browser behind the same origin: its own budget, untouched by the first one's failures.
    expect((await loginFrom("203.0.113.2", WRONG)).status).toBe(401);
    expect((await loginFrom("203.0.113.2", RIGHT)).status).toBe(200);
  });
});
