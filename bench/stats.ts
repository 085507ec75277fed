/** What one timed run of a load generator saw. */
export interface RunResult {
  /** Calls completed inside the rate window (any outcome). */
  calls: number;
  /**
   * Length of the rate window in seconds: from the first completed call to the end of the
   * run. Starting at the first completion rather than at the start leaves out the time all
   * clients spend waiting for their first answer, which at 64 clients on a slow call would
   * otherwise count as a second of zero throughput in a three-second run.
   */
  seconds: number;
  /** Latency of every timed call, in milliseconds (sub-millisecond resolution). */
  latenciesMs: number[];
  /** Calls answered but not timed (a REST run's connect phase, http-load.ts); their CPU is in the run's. */
  untimed: number;
  /** Failures that should never happen (5xx, unexpected 4xx, transport errors). */
  errors: number;
  /** Refusals the scenario expects (e.g. NO_COPIES_AVAILABLE); not errors. */
  refused: number;
  /** A few error descriptions, for diagnosis. */
  errorSamples: string[];
}

/** `calls` and `seconds` of a run from the completion times of its calls (ms, ascending) and its end. */
export function rateWindow(completedAt: readonly number[], endMs: number, startMs: number): { calls: number; seconds: number } {
  const first = completedAt[0];
  if (completedAt.length < 2 || first === undefined || endMs - first <= 0) {
    return { calls: completedAt.length, seconds: Math.max(endMs - startMs, 1) / 1000 };
  }
  const inWindow = completedAt.filter((t) => t > first && t <= endMs).length;
  return { calls: inWindow, seconds: (endMs - first) / 1000 };
}

/** The figures of one table cell: throughput over runs, latency over all samples. */
export interface CellSummary {
  /** Operations per second (calls, or borrow+return pairs) per run. */
  rate: { median: number; min: number; max: number };
  p50: number;
  p99: number;
  errors: number;
  refused: number;
  samples: number;
  /** Where the measured runs' CPU went, per operation and process (bench/cpu.ts); unset when not measured. */
  cpu?: string;
}

/** Median of `values` (mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile (`p` in 0..100) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * Summarises measured runs: throughput is `calls / callsPerOp / seconds` of each run
 * (median, min, max), latency percentiles are taken over the samples of all runs together.
 */
export function summarize(runs: readonly RunResult[], callsPerOp = 1): CellSummary {
  const rates = runs.map((r) => r.calls / callsPerOp / r.seconds);
  const all = Float64Array.from(runs.flatMap((r) => r.latenciesMs)).sort();
  return {
    rate: { median: median(rates), min: Math.min(...rates), max: Math.max(...rates) },
    p50: percentile(all, 50),
    p99: percentile(all, 99),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    refused: runs.reduce((n, r) => n + r.refused, 0),
    samples: all.length,
  };
}

/** A throughput figure: integers from 100 up, one decimal below (login runs at tens per second). */
export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return "–";
  return value >= 100 ? String(Math.round(value)) : value.toFixed(1);
}

/** A latency in ms with three significant digits, so 0.412 and 41.2 both read well. */
export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return "–";
  if (value >= 100) return String(Math.round(value));
  return value >= 10 ? value.toFixed(1) : value.toFixed(value >= 1 ? 2 : 3);
}

/** product / baseline as "0.62", or "–" when there is no baseline. */
export function formatRatio(product: number, baseline: number | undefined): string {
  if (baseline === undefined || !Number.isFinite(baseline) || baseline <= 0 || !Number.isFinite(product)) return "–";
  return (product / baseline).toFixed(2);
}
