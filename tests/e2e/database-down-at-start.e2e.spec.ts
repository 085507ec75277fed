import { describe, expect, it } from "vitest";
import { freePort } from "./support/ports.js";
import { ServiceProcess } from "./support/service-process.js";
import { SERVER_KEY } from "./support/stack.js";

// A real service process started while its database is down: one line that says so, exit 1, no stack.
describe("a service started while its database does not answer", () => {
  it("exits 1 with one line naming the database as the cause, no stack", async () => {
    const deadPort = await freePort(); // nothing listens there
    const author = new ServiceProcess("author", await freePort(), await freePort(), {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${deadPort}/author_db`,
      SERVER_KEY,
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
    });
    try {
      await expect(author.start()).rejects.toThrow(/exited during start/);
      expect(await author.exited()).toBe(1);
      const logs = author.logs();
      const lines = logs.split("\n").filter((line) => line.includes("cannot start"));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^author: cannot start: the database does not answer \(.*ECONNREFUSED.*\); check DATABASE_URL/);
      expect(logs).not.toMatch(/\n\s+at |"stack"/);
    } finally {
      await author.stop();
    }
  });
});
