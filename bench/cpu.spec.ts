import { describe, expect, it } from "vitest";
import { addCpuDelta, type CpuTimes, cpuSnapshot, formatCpuPerOp } from "./cpu.js";

/** Busy until this process has used `ms` more CPU (not wall time: a loaded machine stretches that). */
const spin = (ms: number) => {
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const end = cpuMs() + ms;
  while (cpuMs() < end) {
    // busy on purpose: CPU time to measure
  }
};

describe("CPU figures", () => {
  it.skipIf(process.platform !== "linux")("reads a named process's CPU from /proc, and the bench's own", () => {
    const before = cpuSnapshot({ self: process.pid, gone: 2 ** 22 + 1 });
    spin(200);
    const after = cpuSnapshot({ self: process.pid, gone: 2 ** 22 + 1 });
    expect(after).not.toHaveProperty("gone");
    expect(after.self - before.self).toBeGreaterThanOrEqual(100);
    expect(after.bench - before.bench).toBeGreaterThanOrEqual(100);
    expect(after.postgres).toBeGreaterThanOrEqual(before.postgres ?? 0);
  });

  it("adds the differences of snapshots and prints them per operation, the largest first", () => {
    const total: CpuTimes = {};
    addCpuDelta(total, { bench: 100, book: 1000 }, { bench: 160, book: 1400, postgres: 50 });
    addCpuDelta(total, { bench: 200, book: 1400 }, { bench: 240, book: 1600 });
    expect(total).toEqual({ bench: 100, book: 600 });
    expect(formatCpuPerOp({ ...total, auth: 0.1 }, 200, "pair")).toBe("book 3.00, bench 0.50 = 3.50 ms of CPU per pair");
    expect(formatCpuPerOp(total, 0, "call")).toBe("no operations");
  });
});
