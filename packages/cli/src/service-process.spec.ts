import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { describeExit, type ProcessOutput, spawnService } from "./service-process.js";

// A stand-in service: handles SIGTERM, then prints a line to each stream, answers /readyz on a free port (printed)
// when LISTEN is set, and on SIGTERM says so and exits with EXIT_ON_TERM (unless IGNORE_TERM);
// EXIT_AT_ONCE exits at start.
const FIXTURE = `
import { createServer } from "node:http";
process.on("SIGTERM", () => {
  if (process.env.IGNORE_TERM) return;
  process.stdout.write("bye\\n");
  process.exit(Number(process.env.EXIT_ON_TERM ?? 0));
});
process.stdout.write("hello out\\n");
process.stderr.write("hello err\\n");
if (process.env.EXIT_AT_ONCE) process.exit(Number(process.env.EXIT_AT_ONCE));
const server = createServer((req, res) => res.writeHead(req.url === "/readyz" ? 200 : 404).end());
if (process.env.LISTEN) server.listen(0, "127.0.0.1", () => process.stdout.write(\`port \${server.address().port}\\n\`));
setInterval(() => {}, 1000);
`;

describe("spawnService", () => {
  let dir: string;
  let entry: string;
  const start = (env: Record<string, string>, output: ProcessOutput = { keep: 100 }) =>
    spawnService({ name: "fixture", entry, env: { ...process.env, ...env }, output });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "lms-service-process-"));
    entry = join(dir, "fixture.ts");
    await writeFile(entry, FIXTURE);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("waits until the URL answers 200, keeps both streams' output, and stops with SIGTERM", async () => {
    const proc = start({ LISTEN: "1", EXIT_ON_TERM: "3" });
    const port = await vi.waitUntil(() => /port (\d+)/.exec(proc.output())?.[1], { timeout: 30_000 });
    await proc.waitReady(`http://127.0.0.1:${port}/readyz`, 60_000);
    expect(proc.running).toBe(true);
    expect(proc.pid).toBeGreaterThan(0);
    const mark = proc.outputMark();
    expect(proc.output()).toContain("hello out\n");
    expect(proc.output()).toContain("hello err\n");
    expect(await proc.stop()).toEqual({ code: 3, signal: null, killed: false });
    expect(proc.running).toBe(false);
    expect(proc.outputSince(mark)).toBe("bye\n");
    // Stopping again changes nothing.
    expect(await proc.stop()).toEqual({ code: 3, signal: null, killed: false });
  });

  it("rejects waitReady as soon as the process exits, naming it, its exit and its output", async () => {
    const proc = start({ EXIT_AT_ONCE: "4" });
    await expect(proc.waitReady("http://127.0.0.1:1/readyz", 60_000)).rejects.toThrow(
      /^fixture exited during start \(code 4\):\n(.|\n)*hello out/,
    );
    expect(describeExit(await proc.exited)).toBe("code 4");
  });

  it("kills with SIGKILL a process that ignores SIGTERM, and stops a frozen one", async () => {
    const stubborn = start({ IGNORE_TERM: "1" });
    await vi.waitUntil(() => stubborn.output().includes("hello err"), { timeout: 30_000 });
    expect(await stubborn.stop({ graceMs: 200 })).toEqual({ code: null, signal: "SIGKILL", killed: true });

    const frozen = start({});
    await vi.waitUntil(() => frozen.output().includes("hello err"), { timeout: 30_000 });
    frozen.signal("SIGSTOP");
    expect(await frozen.stop()).toEqual({ code: 0, signal: null, killed: false });
    expect(() => frozen.signal("SIGCONT")).toThrow(/fixture is not running/);
  });

  it("appends the output to a file without piping it, and reads its last lines back", async () => {
    const logFile = join(dir, "fixture.log");
    await writeFile(logFile, "earlier line\n");
    const proc = start({ EXIT_AT_ONCE: "0" }, { file: logFile });
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(await readFile(logFile, "utf8")).toMatch(/^earlier line\n(hello out\nhello err\n|hello err\nhello out\n)$/);
    expect(proc.output(2).split("\n").sort()).toEqual(["hello err", "hello out"]);
  });

  it("relays each line under the label to this process's streams", async () => {
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const proc = start({ EXIT_AT_ONCE: "0" }, { relay: "[fixture]" });
      await proc.exited;
      const written = (spy: typeof out) => spy.mock.calls.map(([line]) => line);
      await vi.waitUntil(() => written(out).includes("[fixture] hello out\n") && written(err).includes("[fixture] hello err\n"), {
        timeout: 5_000,
      });
      expect(proc.output()).toBe("");
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });

  it("settles with code 127 when the process cannot be spawned at all", async () => {
    const proc = spawnService({ name: "nowhere", entry, env: process.env, output: { keep: 10 }, cwd: join(dir, "missing") });
    expect(await proc.exited).toEqual({ code: 127, signal: null });
    expect(proc.output()).toMatch(/nowhere could not start: .*ENOENT/);
  });
});
