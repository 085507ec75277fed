/**
 * What one `npm run bench` does, read once from the environment (and `--quick`):
 * the data-set size, the run lengths and which scenarios to run.
 */
export interface BenchConfig {
  mode: "full" | "quick";
  sizes: { books: number; authors: number; categories: number; loans: number };
  /** Concurrent clients of every scenario. */
  clients: readonly number[];
  warmupMs: number;
  runMs: number;
  runs: number;
  /** Scenario ids (prefixes: "listbooks" = all three ListBooks shapes) to run; empty = all. */
  only: readonly string[];
  /** Measure the `make run` cold start (default: in full mode only; it takes about half a minute). */
  coldStart: boolean;
  /** Keep the service logs (they are deleted after a successful run otherwise). */
  keepLogs: boolean;
}

const FULL = { books: 100_000, authors: 10_000, categories: 500, loans: 1_000_000 };
const QUICK = { books: 10_000, authors: 1_000, categories: 50, loans: 100_000 };

/** Parses `BENCH_*` variables; anything unset takes the mode's default. */
export function loadBenchConfig(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv): BenchConfig {
  const quick = argv.includes("--quick") || env.BENCH_QUICK === "1";
  const num = (key: string, fallback: number) => {
    const raw = env[key]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${key}: expected a positive number, got "${raw}"`);
    return value;
  };
  const list = (key: string) =>
    (env[key] ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  const clients = list("BENCH_CLIENTS").map(Number);
  return {
    mode: quick ? "quick" : "full",
    sizes: quick ? QUICK : FULL,
    clients: clients.length > 0 ? clients : [1, 16, 64],
    // Full: 1 s warm-up + 3 × 3 s per cell keeps ~80 cells near 13 minutes on 2 cores.
    warmupMs: num("BENCH_WARMUP_MS", quick ? 300 : 1000),
    runMs: num("BENCH_RUN_MS", quick ? 1000 : 3000),
    runs: num("BENCH_RUNS", quick ? 1 : 3),
    only: list("BENCH_ONLY").map((s) => s.toLowerCase()),
    coldStart: env.BENCH_COLD_START ? env.BENCH_COLD_START === "1" : !quick,
    keepLogs: env.BENCH_KEEP_LOGS === "1",
  };
}

/** True when scenario `id` is selected by BENCH_ONLY (prefix match, case-insensitive). */
export function selected(config: BenchConfig, id: string): boolean {
  return config.only.length === 0 || config.only.some((p) => id.startsWith(p));
}
