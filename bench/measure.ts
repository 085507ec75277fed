import type { Baselines } from "./baselines.js";
import { runCallLoop } from "./call-loop.js";
import type { BenchConfig } from "./config.js";
import { addCpuDelta, type CpuTimes, cpuSnapshot, formatCpuPerOp } from "./cpu.js";
import { runHttp } from "./http-load.js";
import type { Row } from "./report.js";
import type { BaselineName, BenchContext, Scenario, Transport } from "./scenario.js";
import { type CellSummary, formatMs, formatRate, type RunResult, summarize } from "./stats.js";

/** Progress lines go to stderr; the report alone goes to stdout. */
export const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** Something to measure: one run of a given length, and what to do after each run. */
export interface Workload {
  label: string;
  callsPerOp: number;
  run(durationMs: number): Promise<RunResult>;
  /** Checks and clean-up after every run, warm-up included (circulation). */
  afterRun?(): Promise<void>;
}

/**
 * Measures workloads side by side: one warm-up run each (discarded: JIT, pools, caches,
 * connections), then `config.runs` rounds in which each runs once, in turn. Interleaving
 * matters on a shared machine: a product run and its baseline run seconds apart see the same
 * background load, so their ratio is far steadier than either figure alone.
 */
export async function measureInterleaved(
  config: BenchConfig,
  workloads: readonly Workload[],
  processes: Record<string, number | undefined> = {},
): Promise<CellSummary[]> {
  const runs: RunResult[][] = workloads.map(() => []);
  const cpu: CpuTimes[] = workloads.map(() => ({}));
  for (const w of workloads) {
    await w.run(config.warmupMs);
    await w.afterRun?.();
  }
  for (let round = 0; round < config.runs; round++) {
    for (const [i, w] of workloads.entries()) {
      const before = cpuSnapshot(processes);
      runs[i].push(await w.run(config.runMs));
      addCpuDelta(cpu[i], before, cpuSnapshot(processes));
      await w.afterRun?.();
    }
  }
  return workloads.map((w, i) => {
    const cell = summarize(runs[i], w.callsPerOp);
    const sample = runs[i].flatMap((r) => r.errorSamples)[0];
    const ops = runs[i].reduce((n, r) => n + r.latenciesMs.length + r.untimed, 0) / w.callsPerOp;
    cell.cpu = formatCpuPerOp(cpu[i], ops, w.callsPerOp === 2 ? "pair" : "call");
    progress(
      `${w.label}: ${formatRate(cell.rate.median)}/s, p50 ${formatMs(cell.p50)} ms, p99 ${formatMs(cell.p99)} ms, ` +
        `errors ${cell.errors}${sample ? ` (e.g. ${sample})` : ""}; ${cell.cpu}`,
    );
    return cell;
  });
}

/** A baseline as a workload. */
export function baselineWorkload(baselines: Baselines, name: BaselineName, clients: number): Workload {
  return {
    label: `baseline ${name} c=${clients}`,
    callsPerOp: name.startsWith("pg txn") ? 2 : 1,
    run: (ms) => baselines.run(name, clients, ms),
    afterRun: () => baselines.afterRun(name, `baseline ${name}`),
  };
}

/** A product scenario over one transport at one concurrency, as a workload. */
function scenarioWorkload(ctx: BenchContext, scenario: Scenario, transport: Transport, clients: number): Workload {
  const label = `${scenario.name} ${transport}`;
  return {
    label: `${label} c=${clients}`,
    callsPerOp: scenario.callsPerOp,
    run(ms) {
      if (transport === "REST") {
        const { baseUrl, plan } = scenario.rest(ctx, clients);
        return runHttp(baseUrl, clients, ms, plan);
      }
      if (!scenario.grpc) throw new Error(`${scenario.name} has no gRPC method`);
      return runCallLoop(scenario.grpc(ctx, clients), ms, scenario.callsPerOp);
    },
    afterRun: scenario.afterRun && (() => scenario.afterRun?.(ctx, label) ?? Promise.resolve()),
  };
}

/**
 * One table row. A row with a ratio target is measured interleaved with its own baseline
 * runs (the ratio is the point); other rows are compared with the baseline table measured
 * at the start (`shared`).
 */
export async function measureRow(
  ctx: BenchContext,
  baselines: Baselines,
  shared: ReadonlyMap<string, CellSummary>,
  scenario: Scenario,
  transport: Transport,
  clients: number,
): Promise<Row> {
  const targets = scenario.targets(transport, clients);
  const product = scenarioWorkload(ctx, scenario, transport, clients);
  let cell: CellSummary;
  let base: CellSummary | undefined;
  const processes = processesOf(ctx, baselines);
  // What the row is compared with: its reference requests (e.g. the same calls without the web
  // origin), or its baseline measured interleaved (rows with a ratio target), or the baseline table.
  const reference = transport === "REST" ? scenario.reference?.(ctx, clients) : undefined;
  const paired = reference !== undefined || targets.some((t) => t.kind === "ratio");
  const baseName = reference?.name ?? scenario.baseline[transport];
  const comparison: Workload | undefined = reference
    ? {
        label: `${reference.name} c=${clients}`,
        callsPerOp: scenario.callsPerOp,
        run: (ms) => runHttp(reference.baseUrl, clients, ms, reference.plan),
      }
    : paired
      ? baselineWorkload(baselines, scenario.baseline[transport], clients)
      : undefined;
  await scenario.setUp?.(ctx, clients);
  try {
    if (comparison) {
      [base, cell] = await measureInterleaved(ctx.config, [comparison, product], processes);
    } else {
      [cell] = await measureInterleaved(ctx.config, [product], processes);
      base = shared.get(`${baseName}@${clients}`);
    }
  } finally {
    await scenario.tearDown?.(ctx);
  }
  return {
    scenario: scenario.name,
    transport,
    clients,
    unit: scenario.unit,
    cell,
    baseline: base && { name: baseName, cell: base, paired },
    targets,
  };
}

/** The pid of each service process and of the baseline server, by name (for CPU figures). */
export function processesOf(ctx: BenchContext, baselines: Baselines): Record<string, number | undefined> {
  const services = Object.entries(ctx.stack.services).map(([name, p]) => [name, p.pid]);
  return { ...Object.fromEntries(services), web: ctx.stack.web.pid, baseline: baselines.process.pid };
}
