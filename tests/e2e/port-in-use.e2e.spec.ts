import { once } from "node:events";
import { createServer, type Server } from "node:net";
import { createTestDatabase, type TestDatabase } from "@lms/platform/testing/test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./support/ports.js";
import { ServiceProcess } from "./support/service-process.js";
import { SERVER_KEY } from "./support/stack.js";

/** A plain TCP server of this (test) process holding a port, as another program would. */
async function holdPort(): Promise<{ port: number; server: Server }> {
  const port = await freePort();
  const held = createServer().listen(port, "127.0.0.1");
  await once(held, "listening");
  return { port, server: held };
}

// A real service process whose port is taken: it must say which port and who holds it, in one line, and exit 1.
describe("a service whose port is held by another program", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase("author_e2e");
  });
  afterAll(async () => database?.drop());

  it.each(["HTTP", "gRPC"])("exits 1 with one line naming the %s port and its holder, no stack", async (face) => {
    const held = await holdPort();
    const other = await freePort();
    const [httpPort, grpcPort] = face === "HTTP" ? [held.port, other] : [other, held.port];
    const author = new ServiceProcess("author", httpPort, grpcPort, {
      DATABASE_URL: database.url ?? "",
      SERVER_KEY,
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
    });
    try {
      await expect(author.start()).rejects.toThrow(/exited during start/);
      expect(await author.exited()).toBe(1);
      const logs = author.logs();
      const naming = logs.split("\n").filter((line) => line.includes(String(held.port)));
      expect(naming).toHaveLength(1);
      expect(naming[0]).toMatch(
        new RegExp(
          `^author: cannot start: ${face} port 127\\.0\\.0\\.1:${held.port} is already in use by pid ${process.pid} \\(node .+\\)$`,
        ),
      );
      expect(logs).not.toMatch(/\n\s+at |"stack"|EADDRINUSE/);
      console.log(`[measure] ${naming[0]}`);
    } finally {
      await author.stop();
      held.server.close();
    }
  });
});
