import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import type { ConnectRouter, Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";

/** A cleartext HTTP/2 (h2c) gRPC server that can drain on stop. */
export interface GrpcServer {
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting, lets in-flight calls finish (up to `timeoutMs`), then closes. */
  close(timeoutMs: number): Promise<void>;
}

/** Serves `routes` over gRPC (and Connect/gRPC-web, which the adapter speaks too) behind `interceptors`. */
export function createGrpcServer(routes: (router: ConnectRouter) => void, interceptors: Interceptor[]): GrpcServer {
  // Answers are never compressed (compressed requests are still accepted): Connect would gzip
  // every answer over 1 KiB a client accepts gzip for, a ListBooks page included, which costs
  // both ends CPU to save bytes on a local network; gRPC servers usually leave it off.
  const server = http2.createServer(connectNodeAdapter({ routes, interceptors, compressMinBytes: Number.MAX_SAFE_INTEGER }));
  const sessions = new Set<http2.Http2Session>();
  server.on("session", (s) => {
    sessions.add(s);
    s.once("close", () => sessions.delete(s));
  });
  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      });
    },
    close(timeoutMs) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          for (const s of sessions) s.destroy();
        }, timeoutMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        // GOAWAY to every client: no new streams, open ones complete.
        for (const s of sessions) s.close();
      });
    },
  };
}
