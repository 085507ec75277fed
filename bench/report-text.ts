import { cpus, loadavg, totalmem } from "node:os";
import { TEST_SERVER_URL } from "@lms/platform/testing/test-database";
import pg from "pg";
import type { ColdStart } from "./cold-start.js";
import type { BenchConfig } from "./config.js";
import { type FirstPageResult, renderFirstPage } from "./first-page-stats.js";
import { formatChecks, type InvariantCheck } from "./invariants.js";
import { formatRange, markdownTable, type Row, renderTable } from "./report.js";
import { formatMs } from "./stats.js";

/** What the numbers were measured on (they only mean something next to it). */
export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  postgres: string;
  loadAtStart: string;
}

export async function machineInfo(): Promise<MachineInfo> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  const { rows } = await client.query<{ v: string }>("select current_setting('server_version') as v");
  await client.end();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: rows[0].v,
    loadAtStart: loadavg()
      .map((l) => l.toFixed(2))
      .join(" "),
  };
}

/** Everything one bench run prints: the table first, then baselines, invariants, memory and cold start. */
export function renderReport(r: {
  config: BenchConfig;
  machine: MachineInfo;
  rows: readonly Row[];
  baselineRows: readonly Row[];
  checks: readonly InvariantCheck[];
  rss: readonly { name: string; mib: number | undefined }[];
  coldStart: ColdStart | undefined;
  /** The catalogue's first page in Chromium; undefined when BENCH_ONLY left it out. */
  firstPage?: FirstPageResult | undefined;
  minutes: number;
}): string {
  const { config: c, machine: m } = r;
  const s = c.sizes;
  const lines = [
    `## Benchmark, ${c.mode} mode, ${m.date}`,
    "",
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; Node ${m.node}; PostgreSQL ${m.postgres}; load average at start ${m.loadAtStart}, at end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}.`,
    `Data: ${s.books} books, ${s.authors} authors, ${s.categories} categories, ${s.loans} loans. ` +
      `Each cell: ${c.warmupMs / 1000} s warm-up, then ${c.runs} × ${c.runMs / 1000} s; rate = median [min–max] of the runs, ` +
      `p50/p99 over every call of those runs. Whole run: ${r.minutes.toFixed(1)} min.`,
    "",
    renderTable(r.rows),
    "",
    "### Baselines (same run, same seeded tables, same pool size)",
    "",
    markdownTable(
      ["baseline", "clients", "rate (median [min–max])", "p50 ms", "p99 ms", "errors"],
      r.baselineRows.map((b) => [
        b.scenario,
        String(b.clients),
        `${formatRange(b.cell.rate)} ${b.unit}`,
        formatMs(b.cell.p50),
        formatMs(b.cell.p99),
        String(b.cell.errors),
      ]),
    ),
    "",
    "### Where the CPU went (per call, per pair for circulation, over the measured runs; each process, the bench itself, all of PostgreSQL)",
    "",
    markdownTable(["cell", "CPU", "its paired baseline"], cpuRows(r.rows, r.baselineRows)),
    "",
    "### The catalogue's first page in Chromium (issue 18: interactive ≤ 1.5 s, JavaScript ≤ 250 KB gzipped)",
    "",
    renderFirstPage(r.firstPage),
    "",
    "### Circulation invariants (checked after every borrow/return and check-out/check-in run, warm-ups included)",
    "",
    "```",
    r.checks.length > 0 ? formatChecks(r.checks) : "(no borrow/return scenario ran)",
    "```",
    "",
    "### Peak RSS (VmHWM at the end of the run)",
    "",
    markdownTable(
      ["process", "peak RSS MiB"],
      r.rss.map((p) => [p.name, p.mib === undefined ? "n/a" : p.mib.toFixed(0)]),
    ),
    "",
    "### `make run` cold start (fresh DATA_DIR: the embedded PostgreSQL initialised and four databases created from nothing)",
    "",
    r.coldStart
      ? `${r.coldStart.readySeconds.toFixed(1)} s from spawn until all four /readyz answer 200; SIGINT → exit ${r.coldStart.exitCode} in ${r.coldStart.stopSeconds.toFixed(1)} s.`
      : "(not measured: quick mode, or BENCH_COLD_START=0; BENCH_COLD_START=1 measures it)",
  ];
  return lines.join("\n");
}

/** One line per measured cell: the product rows with their paired baseline, then the shared baselines. */
export function cpuRows(rows: readonly Row[], baselineRows: readonly Row[]): string[][] {
  const na = "n/a";
  return [
    ...rows.map((row) => [
      `${row.scenario} ${row.transport} c=${row.clients}`,
      row.cell.cpu ?? na,
      row.baseline?.paired ? `${row.baseline.name}: ${row.baseline.cell.cpu ?? na}` : "",
    ]),
    ...baselineRows.map((b) => [`baseline ${b.scenario} c=${b.clients}`, b.cell.cpu ?? na, ""]),
  ];
}
