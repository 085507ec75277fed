import { describe, expect, it } from "vitest";
import { evaluate, formatRange, markdownTable, type Row, renderTable } from "./report.js";
import { cpuRows } from "./report-text.js";
import { type CellSummary, formatMs, formatRate, formatRatio, median, percentile, type RunResult, rateWindow, summarize } from "./stats.js";

const run = (calls: number, seconds: number, latenciesMs: number[], errors = 0): RunResult => ({
  calls,
  seconds,
  latenciesMs,
  untimed: 0,
  errors,
  refused: 0,
  errorSamples: [],
});

const cell = (over: Partial<CellSummary> = {}): CellSummary => ({
  rate: { median: 1000, min: 900, max: 1100 },
  p50: 1,
  p99: 2,
  errors: 0,
  refused: 0,
  samples: 100,
  ...over,
});

describe("median", () => {
  it("takes the middle value, or the mean of the middle two, whatever the input order", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });
});

describe("percentile (nearest rank)", () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  it("answers a value that exists in the data", () => {
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile(sorted, 0)).toBe(1);
  });
  it("keeps sub-millisecond values (no 1 ms buckets)", () => {
    expect(percentile([0.112, 0.215, 0.307], 50)).toBe(0.215);
  });
  it("is NaN for no samples", () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe("summarize", () => {
  it("gives the median, min and max rate of the runs and percentiles over all their samples", () => {
    const s = summarize([run(100, 1, [1, 2]), run(300, 1, [3, 4]), run(200, 1, [5, 6], 1)]);
    expect(s.rate).toEqual({ median: 200, min: 100, max: 300 });
    expect(s.p50).toBe(3);
    expect(s.p99).toBe(6);
    expect(s.errors).toBe(1);
    expect(s.samples).toBe(6);
  });
  it("counts a borrow+return pair as one operation", () => {
    expect(summarize([run(400, 2, [1])], 2).rate.median).toBe(100);
  });
});

describe("rateWindow", () => {
  it("counts from the first completion to the end, leaving out the wait for the first answer", () => {
    // Started at 0, first answer at 1000 ms, then one every 100 ms until the end at 3000 ms.
    const done = Array.from({ length: 21 }, (_, i) => 1000 + i * 100);
    expect(rateWindow(done, 3000, 0)).toEqual({ calls: 20, seconds: 2 });
  });
  it("ignores completions after the end", () => {
    expect(rateWindow([100, 200, 300, 400], 300, 0)).toEqual({ calls: 2, seconds: 0.2 });
  });
  it("falls back to the whole run when fewer than two calls completed", () => {
    expect(rateWindow([500], 1000, 0)).toEqual({ calls: 1, seconds: 1 });
    expect(rateWindow([], 1000, 0)).toEqual({ calls: 0, seconds: 1 });
  });
});

describe("formatting", () => {
  it("prints rates as integers from 100 up and with one decimal below", () => {
    expect(formatRate(1234.6)).toBe("1235");
    expect(formatRate(21.66)).toBe("21.7");
    expect(formatRate(Number.NaN)).toBe("–");
  });
  it("prints latencies with about three significant digits", () => {
    expect(formatMs(0.4123)).toBe("0.412");
    expect(formatMs(4.123)).toBe("4.12");
    expect(formatMs(41.23)).toBe("41.2");
    expect(formatMs(412.3)).toBe("412");
  });
  it("prints product / baseline with two decimals, or – without a usable baseline", () => {
    expect(formatRatio(620, 1000)).toBe("0.62");
    expect(formatRatio(620, undefined)).toBe("–");
    expect(formatRatio(620, 0)).toBe("–");
  });
  it("prints a range only when the runs differ", () => {
    expect(formatRange({ median: 10, min: 10, max: 10 })).toBe("10.0");
    expect(formatRange({ median: 1000, min: 900, max: 1100 })).toBe("1000 [900–1100]");
  });
});

describe("targets", () => {
  const row = (over: Partial<Row>): Row => ({
    scenario: "GetBook",
    transport: "REST",
    clients: 64,
    unit: "req/s",
    cell: cell(),
    targets: [],
    ...over,
  });
  it("meets a ratio target only with a baseline and a high enough ratio", () => {
    const baseline = { name: "fastify+pg", cell: cell({ rate: { median: 1500, min: 1500, max: 1500 } }) };
    expect(evaluate(row({ targets: [{ kind: "ratio", min: 0.6 }], baseline })).met).toBe(true);
    expect(evaluate(row({ targets: [{ kind: "ratio", min: 0.7 }], baseline })).met).toBe(false);
    expect(evaluate(row({ targets: [{ kind: "ratio", min: 0.6 }] })).met).toBe(false);
  });
  it("checks p50 and tail targets together, and has no verdict without targets", () => {
    const both = row({
      targets: [
        { kind: "p50", maxMs: 10 },
        { kind: "tail", factor: 3 },
      ],
    });
    expect(evaluate(both)).toEqual({ text: "p50≤10ms p99≤3·p50", met: true });
    expect(evaluate({ ...both, cell: cell({ p50: 1, p99: 3.5 }) }).met).toBe(false);
    expect(evaluate(row({})).met).toBeUndefined();
  });
  it("meets an added-p50 target when the row's p50 is at most that much above its reference's, and says by how much", () => {
    const target = { kind: "added-p50", maxMs: 1 } as const;
    const reference = (p50: number) => ({ name: "GetBook direct", cell: cell({ p50 }), paired: true });
    const via = (p50: number, refP50: number) => row({ cell: cell({ p50 }), targets: [target], baseline: reference(refP50) });
    expect(evaluate(via(1.25, 1))).toEqual({ text: "p50≤base+1ms (+0.250)", met: true });
    expect(evaluate(via(2.5, 1))).toEqual({ text: "p50≤base+1ms (+1.500)", met: false });
    expect(evaluate(row({ targets: [target] })).met).toBe(false);
  });
});

describe("tables", () => {
  it("pads every column to its widest cell", () => {
    expect(markdownTable(["a", "bb"], [["ccc", "d"]])).toBe("| a   | bb |\n|-----|----|\n| ccc | d  |");
  });
  it("renders one line per row with the ratio beside its baseline", () => {
    const baseline = { name: "fastify+pg", cell: cell({ rate: { median: 2000, min: 2000, max: 2000 } }), paired: true };
    const text = renderTable([
      { scenario: "GetBook", transport: "REST", clients: 1, unit: "req/s", cell: cell(), baseline, targets: [{ kind: "ratio", min: 0.6 }] },
    ]);
    expect(text.split("\n")).toHaveLength(3);
    expect(text).toContain("2000 (fastify+pg, paired)");
    expect(text).toMatch(/\| 0\.50 +\| ≥0\.6× +\| NO +\|$/);
  });
  it("lists where each cell's CPU went, a product row beside its paired baseline", () => {
    const row: Row = {
      scenario: "Borrow+Return",
      transport: "gRPC",
      clients: 16,
      unit: "pairs/s",
      cell: cell({ cpu: "book 3.00 = 3.00 ms of CPU per pair" }),
      baseline: { name: "pg txn", cell: cell({ cpu: "postgres 2.00 = 2.00 ms of CPU per pair" }), paired: true },
      targets: [],
    };
    const shared: Row = { scenario: "fastify+pg", transport: "baseline", clients: 1, unit: "req/s", cell: cell(), targets: [] };
    expect(cpuRows([row], [shared])).toEqual([
      ["Borrow+Return gRPC c=16", "book 3.00 = 3.00 ms of CPU per pair", "pg txn: postgres 2.00 = 2.00 ms of CPU per pair"],
      ["baseline fastify+pg c=1", "n/a", ""],
    ]);
  });
});
