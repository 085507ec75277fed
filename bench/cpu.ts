import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** CPU time in milliseconds, by process name. */
export type CpuTimes = Record<string, number>;

let ticksPerSecond: number | undefined;

/** Clock ticks per second of /proc's utime and stime (CLK_TCK, 100 on Linux almost always). */
function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  return ticksPerSecond;
}

interface ProcessCpu {
  pid: number;
  comm: string;
  ppid: number;
  /** User + system CPU of the process itself, ms. */
  ms: number;
  /** User + system CPU of its children that have exited and been waited for, ms. */
  childrenMs: number;
}

/** One process's CPU from /proc/<pid>/stat; undefined when unreadable (gone, or not Linux). */
function statOf(pid: number | string): ProcessCpu | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces; the numbered fields follow it.
    const close = stat.lastIndexOf(")");
    // After the name: state, ppid, … utime and stime (proc(5) fields 14, 15), cutime and cstime (16, 17).
    const field = stat
      .slice(close + 2)
      .split(" ")
      .map(Number);
    const ms = (ticks: number) => (ticks * 1000) / clockTicks();
    return {
      pid: Number(pid),
      comm: stat.slice(stat.indexOf("(") + 1, close),
      ppid: field[1],
      ms: ms(field[11] + field[12]),
      childrenMs: ms(field[13] + field[14]),
    };
  } catch {
    return undefined;
  }
}

/**
 * CPU used so far by each named process, by the bench itself (the load generator) and by every
 * PostgreSQL process on the machine together. Linux /proc only: elsewhere only "bench" is there.
 * Differences of two snapshots over a run say where the run's CPU went.
 */
export function cpuSnapshot(processes: Record<string, number | undefined>): CpuTimes {
  const usage = process.cpuUsage();
  const times: CpuTimes = { bench: (usage.user + usage.system) / 1000 };
  for (const [name, pid] of Object.entries(processes)) {
    const stat = pid === undefined ? undefined : statOf(pid);
    if (stat) times[name] = stat.ms;
  }
  try {
    // Every live PostgreSQL process, plus what the postmaster's exited backends used (it reaps
    // them), so the sum only grows even as connections come and go.
    const all = readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry))
      .map((entry) => statOf(entry))
      .filter((p) => p?.comm === "postgres") as ProcessCpu[];
    const pids = new Set(all.map((p) => p.pid));
    const postmasters = all.filter((p) => !pids.has(p.ppid));
    times.postgres = all.reduce((sum, p) => sum + p.ms, 0) + postmasters.reduce((sum, p) => sum + p.childrenMs, 0);
  } catch {
    // no /proc: no PostgreSQL figure
  }
  return times;
}

/** What `after` used beyond `before`, added into `total`. */
export function addCpuDelta(total: CpuTimes, before: CpuTimes, after: CpuTimes): void {
  for (const [name, ms] of Object.entries(after)) {
    if (name in before) total[name] = (total[name] ?? 0) + ms - before[name];
  }
}

/** "book 1.24, postgres 0.61, bench 0.50 = 2.35 ms of CPU per pair": the largest first, tiny ones left out. */
export function formatCpuPerOp(total: CpuTimes, ops: number, unit: string): string {
  if (ops === 0) return "no operations";
  const perOp = Object.entries(total)
    .map(([name, ms]) => [name, ms / ops] as const)
    .sort((a, b) => b[1] - a[1]);
  const sum = perOp.reduce((s, [, ms]) => s + ms, 0);
  const shown = perOp.filter(([, ms]) => ms >= 0.005).map(([name, ms]) => `${name} ${ms.toFixed(2)}`);
  return `${shown.join(", ")} = ${sum.toFixed(2)} ms of CPU per ${unit}`;
}
