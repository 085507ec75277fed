import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { BookService } from "@lms/gen/library/book/v1/book_pb";
import { afterAll, describe, expect, it } from "vitest";
import { createGrpcJsTransport } from "./grpc-js-transport.js";

const transports: { close(): void }[] = [];
afterAll(() => {
  for (const t of transports) t.close();
});

/** A reference server (Connect's own, nothing of ours) on `port` (0 = any) that `stop` really stops, open connections included. */
async function startPeer(port: number): Promise<{ port: number; stop(): Promise<void> }> {
  const peer = http2.createServer(
    connectNodeAdapter({ routes: (router) => router.service(BookService, { getBook: (req) => ({ id: req.id }) }) }),
  );
  const sessions = new Set<http2.Http2Session>();
  peer.on("session", (session) => sessions.add(session));
  await new Promise<void>((resolve) => peer.listen(port, "127.0.0.1", resolve));
  return {
    port: (peer.address() as AddressInfo).port,
    async stop() {
      const closed = new Promise((resolve) => peer.close(resolve));
      for (const session of sessions) session.destroy();
      await closed;
    },
  };
}

/** The code a call failed with (the test fails if it succeeded). */
async function failureCode(call: Promise<unknown>): Promise<Code> {
  return call.then(
    () => {
      throw new Error("the call succeeded");
    },
    (err: unknown) => ConnectError.from(err).code,
  );
}

describe("createGrpcJsTransport, a peer that restarts", () => {
  it("reaches the peer on the first call after it is back, not after a reconnect backoff", async () => {
    const peer = await startPeer(0);
    const transport = createGrpcJsTransport({ address: `127.0.0.1:${peer.port}` });
    transports.push(transport);
    const client = createClient(BookService, transport);
    expect((await client.getBook({ id: "b1" })).id).toBe("b1");
    await peer.stop();
    // Down: each call fails at once (a grpc-js channel would now back off 1 s, then 1.6 s, ...).
    for (let i = 0; i < 3; i++) expect(await failureCode(client.getBook({ id: "b1" }))).toBe(Code.Unavailable);
    const back = await startPeer(peer.port);
    try {
      expect((await client.getBook({ id: "b2" })).id).toBe("b2");
    } finally {
      await back.stop();
    }
  });
});
