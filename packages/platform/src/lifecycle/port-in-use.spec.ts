import { once } from "node:events";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { asPortInUse, findListener, PortInUseError } from "./port-in-use.js";

describe("asPortInUse", () => {
  it("recognises Node's EADDRINUSE and grpc-js's code-less bind error, naming the face, host and port", async () => {
    const node = Object.assign(new Error("listen EADDRINUSE: address already in use 127.0.0.1:8082"), { code: "EADDRINUSE" });
    const grpc = new Error("No address added out of total 1 resolved errors: [listen EADDRINUSE: address already in use 127.0.0.1:50052]");
    for (const [err, face, port] of [
      [node, "HTTP", 8082],
      [grpc, "gRPC", 50052],
    ] as const) {
      const mapped = await asPortInUse(err, face, "127.0.0.1", port);
      expect(mapped).toBeInstanceOf(PortInUseError);
      expect((mapped as PortInUseError).message).toMatch(new RegExp(`^${face} port 127\\.0\\.0\\.1:${port} is already in use`));
    }
  });

  it("leaves any other error as it is", async () => {
    const err = Object.assign(new Error("permission denied"), { code: "EACCES" });
    expect(await asPortInUse(err, "HTTP", "0.0.0.0", 80)).toBe(err);
  });
});

describe("findListener", () => {
  it.runIf(process.platform === "linux")("names the process listening on a port", async () => {
    const server = createServer().listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const port = (server.address() as { port: number }).port;
      expect(await findListener(port)).toMatch(new RegExp(`^pid ${process.pid} \\(node`));
    } finally {
      server.close();
    }
  });
});
