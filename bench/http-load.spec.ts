import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runHttp } from "./http-load.js";

// A real HTTP server that counts, per connection, what it received and what it answered,
// answering each request after the delay the case in hand gives it.
describe("REST load runs (autocannon against a real HTTP server)", () => {
  const perConnection = new Map<string, { received: string[]; answered: number }>();
  let inFlight = 0;
  let delayOf: (req: IncomingMessage, nth: number) => number = () => 0;
  let server: Server;
  let url = "";

  beforeAll(async () => {
    server = createServer((req, res) => {
      const key = `${req.socket.remotePort}`;
      const seen = perConnection.get(key) ?? { received: [], answered: 0 };
      perConnection.set(key, seen);
      seen.received.push(req.url ?? "");
      inFlight++;
      setTimeout(
        () => {
          res.end("{}", () => {
            inFlight--;
            seen.answered++;
          });
        },
        delayOf(req, seen.received.length),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => perConnection.clear());
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const receivedInAll = () => [...perConnection.values()].reduce((n, c) => n + c.received.length, 0);

  it("ends with every request answered, each connection's cycle complete, and only calls up to the deadline in the rate", async () => {
    // A borrow takes 30 ms and a return none, so the run's end almost always finds a
    // connection waiting for a borrow (a run that stopped there would leave the pair half done).
    delayOf = (req) => (req.url === "/borrow" ? 30 : 0);
    const result = await runHttp(url, 8, 300, {
      requestsFor: () => [() => ({ method: "POST", path: "/borrow" }), () => ({ method: "POST", path: "/return" })],
    });
    // The server wrote its last answer before the client read it: nothing is left in flight.
    expect(inFlight).toBe(0);
    expect(perConnection.size).toBe(8);
    for (const { received: paths, answered } of perConnection.values()) {
      expect(answered).toBe(paths.length);
      expect(paths.length % 2).toBe(0);
      expect(paths.filter((p, i) => p !== (i % 2 === 0 ? "/borrow" : "/return"))).toEqual([]);
    }
    // Each connection's first answer is not timed; the rate counts only answers within the 300 ms.
    expect(result.latenciesMs.length).toBeLessThanOrEqual(receivedInAll() - 8);
    expect(result.errors).toBe(0);
    expect(result.calls).toBeLessThan(result.latenciesMs.length);
    expect(result.seconds).toBeLessThanOrEqual(0.3);
  });

  it("starts timing once every connection has had an answer: a slow first answer per connection is not timed", async () => {
    // As a busy server that accepts one connection per event-loop turn: each connection's
    // first answer is late (1 s), the rest take 20 ms. The margins are wide so that a loaded
    // machine cannot make a 20 ms answer look like a first one.
    delayOf = (_req, nth) => (nth === 1 ? 1000 : 20);
    const result = await runHttp(url, 8, 300, { requestsFor: () => [() => ({ method: "GET", path: "/book" })] });
    expect(perConnection.size).toBe(8);
    expect(result.latenciesMs.length).toBeGreaterThan(0);
    expect(result.latenciesMs.length).toBeLessThanOrEqual(receivedInAll() - 8);
    expect(Math.max(...result.latenciesMs)).toBeLessThan(800);
    // Every answer is either timed or counted as untimed (its CPU is still the run's).
    expect(result.latenciesMs.length + result.untimed).toBe(receivedInAll());
    expect(result.untimed).toBeGreaterThanOrEqual(8);
    // The 300 ms of measuring began after the first answers (1 s), so the run lasted over 1.3 s.
    expect(result.calls).toBeGreaterThan(8 * (250 / 20) * 0.5);
  });
});
