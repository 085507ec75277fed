import { once } from "node:events";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTcpFaultProxy, type TcpFaultProxy } from "./tcp-fault-proxy.js";

/** A connection to the proxy that collects what comes back. */
async function connect(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<unknown> }> {
  const socket = createConnection({ host: "127.0.0.1", port });
  let text = "";
  socket.on("data", (d: Buffer) => (text += d.toString()));
  socket.on("error", () => undefined);
  const closed = once(socket, "close");
  await once(socket, "connect");
  return { socket, received: () => text, closed };
}

const until = async (check: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return check();
};

describe("startTcpFaultProxy", () => {
  let echo: Server;
  let proxy: TcpFaultProxy;

  beforeAll(async () => {
    echo = createServer((s) => s.on("data", (d) => s.write(d)).on("error", () => undefined)).listen(0, "127.0.0.1");
    await once(echo, "listening");
    proxy = await startTcpFaultProxy({ host: "127.0.0.1", port: (echo.address() as { port: number }).port });
  });
  afterAll(async () => {
    await proxy.close();
    echo.close();
  });

  it("forwards both ways", async () => {
    const c = await connect(proxy.port);
    c.socket.write("ping");
    expect(await until(() => c.received() === "ping")).toBe(true);
    c.socket.destroy();
  });

  it("stop cuts open connections and refuses new ones; restore accepts again", async () => {
    const c = await connect(proxy.port);
    await proxy.stop();
    await c.closed;
    const refused = await new Promise<string>((resolve) => {
      const s = createConnection({ host: "127.0.0.1", port: proxy.port });
      s.on("connect", () => resolve("connected"));
      s.on("error", (err: NodeJS.ErrnoException) => resolve(String(err.code)));
    });
    expect(refused).toBe("ECONNREFUSED");
    await proxy.restore();
    const again = await connect(proxy.port);
    again.socket.write("back");
    expect(await until(() => again.received() === "back")).toBe(true);
    again.socket.destroy();
  });

  it("freeze keeps connections open but moves no byte, old or new; restore delivers what was held", async () => {
    const old = await connect(proxy.port);
    proxy.freeze();
    old.socket.write("held");
    const fresh = await connect(proxy.port);
    fresh.socket.write("new");
    expect(await until(() => old.received() !== "" || fresh.received() !== "", 300)).toBe(false);
    expect(old.socket.destroyed || fresh.socket.destroyed).toBe(false);
    await proxy.restore();
    expect(await until(() => old.received() === "held" && fresh.received() === "new")).toBe(true);
    old.socket.destroy();
    fresh.socket.destroy();
  });
});
