import { type CellSummary, formatMs, formatRate, formatRatio } from "./stats.js";

/** A goal a row is held to (the issue's targets). */
export type Target =
  /** Throughput at least `min` × the baseline's. */
  | { kind: "ratio"; min: number }
  /** Median latency at most `maxMs`. */
  | { kind: "p50"; maxMs: number }
  /** p99 at most `factor` × p50 (a bounded tail). */
  | { kind: "tail"; factor: number }
  /** Median latency at most `maxMs` above the (paired) baseline's: what a hop in between adds. */
  | { kind: "added-p50"; maxMs: number };

/** One line of the table: a scenario over one transport at one concurrency. */
export interface Row {
  scenario: string;
  transport: string;
  clients: number;
  /** "req/s" or "pairs/s" (a borrow and its return). */
  unit: string;
  cell: CellSummary;
  /** `paired`: measured interleaved with this row's own runs (rows with a ratio target). */
  baseline?: { name: string; cell: CellSummary; paired?: boolean } | undefined;
  targets: readonly Target[];
}

/** The target column's text and whether the row meets all its targets (undefined: no target). */
export function evaluate(row: Row): { text: string; met: boolean | undefined } {
  if (row.targets.length === 0) return { text: "", met: undefined };
  const texts: string[] = [];
  let met = true;
  for (const t of row.targets) {
    if (t.kind === "ratio") {
      texts.push(`≥${t.min.toFixed(1)}×`);
      const base = row.baseline?.cell.rate.median;
      met &&= base !== undefined && base > 0 && row.cell.rate.median / base >= t.min;
    } else if (t.kind === "added-p50") {
      const base = row.baseline?.cell.p50;
      const added = base === undefined ? undefined : row.cell.p50 - base;
      texts.push(`p50≤base+${t.maxMs}ms${added === undefined ? "" : ` (${added >= 0 ? "+" : ""}${added.toFixed(3)})`}`);
      met &&= added !== undefined && added <= t.maxMs;
    } else if (t.kind === "p50") {
      texts.push(`p50≤${t.maxMs}ms`);
      met &&= row.cell.p50 <= t.maxMs;
    } else {
      texts.push(`p99≤${t.factor}·p50`);
      met &&= row.cell.p99 <= t.factor * row.cell.p50;
    }
  }
  return { text: texts.join(" "), met };
}

/** "1234 [1100–1300]": the median of the runs and their range. */
export function formatRange(rate: CellSummary["rate"]): string {
  if (rate.min === rate.max) return formatRate(rate.median);
  return `${formatRate(rate.median)} [${formatRate(rate.min)}–${formatRate(rate.max)}]`;
}

const HEADER = [
  "scenario",
  "via",
  "clients",
  "rate (median [min–max])",
  "p50 ms",
  "p99 ms",
  "errors",
  "refused",
  "baseline",
  "ratio",
  "target",
  "met?",
];

/** The table as Markdown, so the same text reads in a terminal and pastes into docs/performance.md. */
export function renderTable(rows: readonly Row[]): string {
  const lines = rows.map((row) => {
    const { text, met } = evaluate(row);
    const base = row.baseline;
    return [
      row.scenario,
      row.transport,
      String(row.clients),
      `${formatRange(row.cell.rate)} ${row.unit}`,
      formatMs(row.cell.p50),
      formatMs(row.cell.p99),
      String(row.cell.errors),
      String(row.cell.refused),
      base ? `${formatRate(base.cell.rate.median)} (${base.name}${base.paired ? ", paired" : ""})` : "",
      base ? formatRatio(row.cell.rate.median, base.cell.rate.median) : "",
      text,
      met === undefined ? "" : met ? "yes" : "NO",
    ];
  });
  return markdownTable(HEADER, lines);
}

/** A Markdown table with every column padded to its widest cell. */
export function markdownTable(header: readonly string[], lines: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const fmt = (cells: readonly string[]) => `| ${cells.map((c, i) => (c ?? "").padEnd(widths[i])).join(" | ")} |`;
  return [fmt(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...lines.map(fmt)].join("\n");
}
