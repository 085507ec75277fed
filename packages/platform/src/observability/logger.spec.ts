import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { accessLogger, createLogger } from "./logger.js";

/** A logger writing into an array of parsed lines. */
function capture(level = "info") {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger("svc", level, sink), lines };
}

describe("createLogger", () => {
  it("redacts credentials wherever they sit in a logged object", () => {
    const { log, lines } = capture();
    log.info({ password: "p1", user: { token: "t1" }, headers: { authorization: "Bearer x", "x-server-key": "k" } }, "login");
    expect(lines[0]).toMatchObject({
      service: "svc",
      msg: "login",
      password: "[redacted]",
      user: { token: "[redacted]" },
      headers: { authorization: "[redacted]", "x-server-key": "[redacted]" },
    });
  });
});

describe("accessLogger", () => {
  it("writes to the same place with the same service name and level", () => {
    const { log, lines } = capture("warn");
    const access = accessLogger(log);
    access.info({ rpc: "GetBook" }, "request"); // below the level: dropped like the parent's
    access.warn({ rpc: "GetBook", status: 200 }, "request");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ service: "svc", rpc: "GetBook", status: 200, msg: "request" });
  });
});
