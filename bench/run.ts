// `npm run bench` / `make bench`: seeds a catalogue on throwaway PostgreSQL databases, starts the
// four services and the bare baselines as real processes, measures every scenario at each
// concurrency beside its baseline, checks the circulation invariants, and prints one report.
// BENCH_QUICK=1 (or --quick) for a small data set and short runs; docs/performance.md has the rest.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEST_SERVER_URL, testServerAnswers } from "@lms/platform/testing/test-database";
import pg from "pg";
import { type Baselines, startBaselines } from "./baselines.js";
import { measureColdStart } from "./cold-start.js";
import { loadBenchConfig, selected } from "./config.js";
import type { FirstPageResult } from "./first-page-stats.js";
import { holds } from "./invariants.js";
import { baselineWorkload, measureInterleaved, measureRow, processesOf, progress } from "./measure.js";
import { peakRssMiBOf } from "./process.js";
import type { Row } from "./report.js";
import { machineInfo, renderReport } from "./report-text.js";
import { BASELINE_NAMES, type BaselineName, type BenchContext, type Scenario, transportsOf } from "./scenario.js";
import { scenarios } from "./scenarios.js";
import { seededId } from "./seed.js";
import { ADMIN, type BenchStack, startBenchStack } from "./stack.js";
import type { CellSummary } from "./stats.js";
import { login, registerMembers } from "./users.js";
import { measureFirstPage } from "./web-first-page.js";

const config = loadBenchConfig();
// Measured against the configured PostgreSQL server, so runs compare across machines.
if (!(await testServerAnswers())) {
  process.stderr.write(`bench: no PostgreSQL server answers at ${TEST_SERVER_URL} (set TEST_DATABASE_URL)\n`);
  process.exit(1);
}
const logDir = await mkdtemp(join(tmpdir(), "lms-bench-"));
const chosen: Scenario[] = scenarios.filter((s) => selected(config, s.id));
// Not a load scenario: the catalogue's first page in Chromium (web-first-page.ts), selected by the same BENCH_ONLY.
const firstPageChosen = selected(config, "web-first-page");
const started = performance.now();
progress(
  `${config.mode} mode: ${chosen.length} scenarios × clients ${config.clients.join("/")}${firstPageChosen ? ", the first page in Chromium" : ""}; logs in ${logDir}`,
);
const machine = await machineInfo();

let stack: BenchStack | undefined;
let baselines: Baselines | undefined;
let bookDb: pg.Pool | undefined;
let failed = true;
const cleanUp = async () => {
  await baselines?.stop().catch(() => undefined);
  await bookDb?.end().catch(() => undefined);
  await stack?.stop().catch(() => undefined);
};
// Ctrl-C: the services get the signal too (same process group); the databases still need dropping.
process.once("SIGINT", () => {
  progress("interrupted: stopping the services and dropping the bench databases");
  void cleanUp().finally(() => process.exit(130));
});
try {
  stack = await startBenchStack(config.sizes, logDir, progress);
  bookDb = new pg.Pool({ connectionString: stack.databaseUrl.book, max: 2 });
  const ids = (kind: "book" | "author" | "category", n: number) => Array.from({ length: n }, (_, i) => seededId(kind, i));
  const ctx: BenchContext = {
    config,
    stack,
    members: await registerMembers(stack.http.auth, Math.max(...config.clients)),
    staffToken: await login(stack.http.auth, ADMIN.email, ADMIN.password),
    bookIds: ids("book", config.sizes.books),
    authorIds: ids("author", config.sizes.authors),
    categoryIds: ids("category", config.sizes.categories),
    bookDb,
    checks: [],
  };
  baselines = await startBaselines(ctx, logDir);

  // The baseline table first, only for baselines the chosen scenarios are compared with.
  // Rows with a ratio target measure their own baseline, interleaved (measure.ts).
  const needed = new Set<BaselineName>();
  for (const s of chosen) {
    for (const t of transportsOf(s)) {
      // Compared with its own reference, measured beside it (measure.ts), not with a baseline.
      if (t === "REST" && s.reference) continue;
      if (config.clients.some((c) => !s.targets(t, c).some((x) => x.kind === "ratio"))) needed.add(s.baseline[t]);
      // What a bare grpc-js server's tail is at the same concurrency, beside the gRPC rows' tail goal.
      if (t === "gRPC" && config.clients.some((c) => s.targets(t, c).some((x) => x.kind === "tail"))) needed.add("grpc-js+pg");
    }
  }
  const shared = new Map<string, CellSummary>();
  const baselineRows: Row[] = [];
  for (const name of BASELINE_NAMES.filter((n) => needed.has(n))) {
    for (const clients of config.clients) {
      const [cell] = await measureInterleaved(config, [baselineWorkload(baselines, name, clients)], processesOf(ctx, baselines));
      shared.set(`${name}@${clients}`, cell);
      baselineRows.push({
        scenario: name,
        transport: "baseline",
        clients,
        unit: name.startsWith("pg txn") ? "pairs/s" : "req/s",
        cell,
        targets: [],
      });
    }
  }
  const rows: Row[] = [];
  for (const scenario of chosen) {
    for (const transport of transportsOf(scenario)) {
      for (const clients of config.clients) rows.push(await measureRow(ctx, baselines, shared, scenario, transport, clients));
    }
  }
  let firstPage: FirstPageResult | undefined;
  if (firstPageChosen) firstPage = await measureFirstPage(stack.webUrl, config.sizes.books, progress);
  const rss = [...Object.values(stack.services), stack.web, baselines.process].map((p) => ({ name: p.name, mib: peakRssMiBOf(p.pid) }));
  await baselines.stop();
  baselines = undefined;
  await bookDb.end();
  bookDb = undefined;
  await stack.stop();
  stack = undefined;
  const coldStart = config.coldStart ? await measureColdStart(logDir) : undefined;
  const report = renderReport({
    config,
    machine,
    rows,
    baselineRows,
    checks: ctx.checks,
    rss,
    coldStart,
    firstPage,
    minutes: (performance.now() - started) / 60_000,
  });
  process.stdout.write(`${report}\n`);
  if (process.env.BENCH_OUT) await writeFile(process.env.BENCH_OUT, `${report}\n`);
  failed =
    (firstPage !== undefined && "failed" in firstPage) ||
    !ctx.checks.every(holds) ||
    rows.some((r) => r.cell.errors > 0) ||
    baselineRows.some((r) => r.cell.errors > 0);
} finally {
  await cleanUp();
  if (!failed && !config.keepLogs) await rm(logDir, { recursive: true, force: true });
  else progress(`logs and report kept in ${logDir}`);
}
process.exitCode = failed ? 1 : 0;
