import { once } from "node:events";
import { createConnection, createServer, type Server, type Socket } from "node:net";

/** A TCP proxy in front of a real server that a test can stop, freeze and restore. */
export interface TcpFaultProxy {
  /** The port the proxy listens on (127.0.0.1). */
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  urlThrough(url: string): string;
  /** Like a stopped server: every open connection is cut and new ones are refused (the port stops listening). */
  stop(): Promise<void>;
  /** Like a SIGSTOPped server: connections stay open and new ones are accepted, but no byte moves either way. */
  freeze(): void;
  /** Ends `stop` or `freeze`: listens again, delivers what was held and forwards as before. */
  restore(): Promise<void>;
  /** Connections open through the proxy now. */
  openConnections(): number;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket | undefined;
}

/**
 * Starts a proxy on 127.0.0.1:`port` (0 = any; pass one below 32768 when a client may reconnect
 * while it is stopped, so it can never connect to itself) that forwards to `target`.
 */
export async function startTcpFaultProxy(target: { host: string; port: number }, port = 0): Promise<TcpFaultProxy> {
  const pairs = new Set<Pair>();
  let frozen = false;
  /** Bytes that arrived while frozen, in order, with where they go. */
  let held: { to: () => Socket | undefined; chunk: Buffer }[] = [];
  const forward = (to: () => Socket | undefined) => (chunk: Buffer) => {
    if (frozen) held.push({ to, chunk });
    else to()?.write(chunk);
  };
  const connectUpstream = (pair: Pair) => {
    const upstream = createConnection(target);
    pair.upstream = upstream;
    upstream.on(
      "data",
      forward(() => pair.client),
    );
    upstream.on("error", () => pair.client.destroy());
    upstream.on("close", () => pair.client.destroy());
  };
  const onConnection = (client: Socket) => {
    const pair: Pair = { client, upstream: undefined };
    pairs.add(pair);
    client.on(
      "data",
      forward(() => pair.upstream),
    );
    client.on("error", () => pair.upstream?.destroy());
    client.on("close", () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    // A frozen server accepts (the kernel does) but never answers: connect upstream only at restore.
    if (!frozen) connectUpstream(pair);
  };
  let server: Server = createServer(onConnection);
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  const bound = (server.address() as { port: number }).port;
  const listen = async () => {
    if (server.listening) return;
    server = createServer(onConnection);
    server.listen(bound, "127.0.0.1");
    await once(server, "listening");
  };
  const unlisten = () => (server.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve());
  const cutAll = () => {
    for (const pair of pairs) {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
    pairs.clear();
    held = [];
  };
  return {
    port: bound,
    urlThrough(url) {
      const u = new URL(url);
      u.hostname = "127.0.0.1";
      u.port = String(bound);
      return u.toString();
    },
    async stop() {
      frozen = false;
      const closed = unlisten();
      cutAll();
      await closed;
    },
    freeze() {
      frozen = true;
    },
    async restore() {
      frozen = false;
      for (const pair of pairs) if (!pair.upstream) connectUpstream(pair);
      for (const { to, chunk } of held) to()?.write(chunk);
      held = [];
      await listen();
    },
    openConnections: () => pairs.size,
    async close() {
      const closed = unlisten();
      cutAll();
      await closed;
    },
  };
}
