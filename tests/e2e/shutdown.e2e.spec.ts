import { once } from "node:events";
import { Agent, get } from "node:http";
import { createConnection, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ADMIN, type Stack, startStack } from "./support/stack.js";

const SHUTDOWN_TIMEOUT_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `count` keep-alive connections that each answered one request and now sit idle in `agent`. */
async function idleKeepAliveSockets(port: number, agent: Agent, count: number): Promise<Socket[]> {
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const req = get({ host: "127.0.0.1", port, path: "/healthz", agent }, (res) => {
            res.resume();
            res.on("end", () => resolve(req.socket as Socket));
          });
          req.on("error", reject);
        }),
    ),
  );
  return [...new Set(sockets)];
}

/** A login whose body is only half sent: in flight on the server until `finish`. Resolves with the raw answer. */
async function halfSentLogin(port: number): Promise<{ finish(): void; answer: Promise<string> }> {
  const body = JSON.stringify(ADMIN);
  const socket = createConnection({ host: "127.0.0.1", port });
  await once(socket, "connect");
  let text = "";
  socket.on("data", (d: Buffer) => (text += d.toString()));
  const answer = new Promise<string>((resolve) => socket.on("close", () => resolve(text)));
  socket.write(
    `POST /api/v1/auth/login HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
  );
  return { finish: () => socket.write(body.slice(10)), answer };
}

// A real process, SIGTERM while clients hold idle keep-alive connections (as proxies and load balancers do) and one request is in flight.
describe("SIGTERM with keep-alive clients", () => {
  let stack: Stack;

  beforeEach(async () => {
    stack = await startStack(["auth"], { env: { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) } });
  });
  afterEach(async () => stack?.stop());

  it("closes idle connections at once, answers the in-flight request, and exits 0 within SHUTDOWN_TIMEOUT_MS", async () => {
    const auth = stack.services.auth;
    const agent = new Agent({ keepAlive: true, maxSockets: 6 });
    const idle = await idleKeepAliveSockets(auth.httpPort, agent, 6);
    expect(idle.length).toBeGreaterThan(1);
    const idleClosed = Promise.all(idle.map((s) => (s.destroyed ? undefined : once(s, "close"))));
    const login = await halfSentLogin(auth.httpPort);
    await sleep(200); // the server has read the request's head: it is in flight

    const started = performance.now();
    const exit = auth.stop(); // SIGTERM (SIGKILL after 15 s, which would make the code null)
    await sleep(500);
    login.finish();
    const code = await exit;
    const ms = Math.round(performance.now() - started);
    console.log(`[measure] SIGTERM → exit ${code} in ${ms} ms with ${idle.length} idle keep-alive connections and one in-flight request`);

    expect(code).toBe(0);
    expect(ms).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 5000);
    const answer = await login.answer;
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer.toLowerCase()).toContain("connection: close");
    expect(answer).toContain('"accessToken"');
    await idleClosed;
    agent.destroy();
  });

  it("cuts a request that never finishes once SHUTDOWN_TIMEOUT_MS has passed, and still exits 0", async () => {
    const auth = stack.services.auth;
    const stuck = await halfSentLogin(auth.httpPort); // its body never comes
    await sleep(200);
    const started = performance.now();
    const code = await auth.stop();
    const ms = Math.round(performance.now() - started);
    console.log(`[measure] SIGTERM → exit ${code} in ${ms} ms with a request that never finishes`);
    expect(code).toBe(0);
    expect(ms).toBeGreaterThanOrEqual(SHUTDOWN_TIMEOUT_MS - 100);
    expect(ms).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 5000);
    await stuck.answer; // the server cut the connection
  });
});
