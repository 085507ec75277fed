// The pure half of the catalogue's first-page measurement (issue 18, web-first-page.ts): when a
// load became interactive, how much JavaScript it took off the wire, and the section of the report.
import { markdownTable } from "./report.js";
import { median } from "./stats.js";

/** Issue 18's goals for the catalogue's first page (250 KB read strictly: 250 000 bytes). */
export const FIRST_PAGE_TARGETS = { interactiveMs: 1500, jsGzipBytes: 250_000 };

/** A task that held the main thread for more than 50 ms (PerformanceObserver "longtask"), ms since navigation start. */
export interface LongTask {
  startMs: number;
  durationMs: number;
}

/**
 * Interactive = the first moment the catalogue can be used, in ms since navigation start: the
 * page's DOM first held an enabled "Search the catalogue" field and at least one result link
 * (`domReadyMs`), and the main thread was free: a long task that had started by then (the one
 * that rendered them, or one still running) must end first, because input waits for it.
 */
export function interactiveMs(domReadyMs: number, longTasks: readonly LongTask[]): number {
  let at = domReadyMs;
  for (const t of longTasks) if (t.startMs <= domReadyMs) at = Math.max(at, t.startMs + t.durationMs);
  return at;
}

/** One response the page received, as the browser saw it on the wire. */
export interface WireResponse {
  url: string;
  /** Playwright's `request.resourceType()`: "script", "document", "fetch", … */
  resourceType: string;
  /** `Content-Encoding` of the answer ("" when none). */
  encoding: string;
  /** Body bytes as transferred (after compression), 0 when served from the cache. */
  bodyBytes: number;
  fromCache: boolean;
}

/** The JavaScript of a load: bytes on the wire and how each file was encoded. */
export interface JsOnWire {
  files: number;
  bytes: number;
  /** Files by encoding, e.g. { gzip: 5 } or { "": 1 } for an uncompressed one. */
  encodings: Record<string, number>;
  fromCache: number;
}

/** JavaScript responses (by resource type, or a `.js`/`.mjs` path) summed as transferred. */
export function jsOnWire(responses: readonly WireResponse[]): JsOnWire {
  const js = responses.filter((r) => r.resourceType === "script" || /\.m?js$/.test(new URL(r.url).pathname));
  const encodings: Record<string, number> = {};
  for (const r of js) encodings[r.encoding] = (encodings[r.encoding] ?? 0) + 1;
  return {
    files: js.length,
    bytes: js.reduce((sum, r) => sum + (r.fromCache ? 0 : r.bodyBytes), 0),
    encodings,
    fromCache: js.filter((r) => r.fromCache).length,
  };
}

/** What one load measured. */
export interface FirstPageLoad {
  interactiveMs: number;
  js: JsOnWire;
}

/** Median and max over the loads of one kind (cold: empty cache; warm: the same context again). */
export interface FirstPageSummary {
  loads: number;
  interactive: { median: number; max: number };
  jsBytes: { median: number; max: number };
  /** Every encoding the JavaScript came in, over all loads ("none" for an uncompressed file). */
  encodings: string[];
}

export function summarizeLoads(loads: readonly FirstPageLoad[]): FirstPageSummary {
  if (loads.length === 0) throw new Error("no first-page load to summarise");
  const times = loads.map((l) => l.interactiveMs);
  const bytes = loads.map((l) => l.js.bytes);
  const encodings = new Set(loads.flatMap((l) => Object.keys(l.js.encodings).map((e) => e || "none")));
  return {
    loads: loads.length,
    interactive: { median: median(times), max: Math.max(...times) },
    jsBytes: { median: median(bytes), max: Math.max(...bytes) },
    encodings: [...encodings].sort(),
  };
}

/** The measurement's outcome: both kinds of load, or why it was not made. */
export type FirstPageResult =
  | { skipped: string }
  | { failed: string }
  | { url: string; books: number; viewport: string; cold: FirstPageSummary; warm: FirstPageSummary };

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
const yesNo = (met: boolean) => (met ? "yes" : "NO");

/** The report's section: a row per kind of load, each against issue 18's targets. */
export function renderFirstPage(result: FirstPageResult | undefined): string {
  if (result === undefined) return "(not measured: BENCH_ONLY left web-first-page out)";
  if ("skipped" in result) return `SKIPPED: ${result.skipped}`;
  if ("failed" in result) return `FAILED: ${result.failed}`;
  const t = FIRST_PAGE_TARGETS;
  const row = (kind: string, s: FirstPageSummary) => [
    kind,
    String(s.loads),
    `${s.interactive.median.toFixed(0)} / ${s.interactive.max.toFixed(0)}`,
    `≤ ${t.interactiveMs}: ${yesNo(s.interactive.median <= t.interactiveMs)}`,
    `${kb(s.jsBytes.median)} / ${kb(s.jsBytes.max)} (${s.encodings.join(", ")})`,
    kind === "cold" ? `≤ ${kb(t.jsGzipBytes)}: ${yesNo(s.jsBytes.max <= t.jsGzipBytes)}` : "",
  ];
  return [
    `${result.url} with ${result.books} books, Chromium headless at ${result.viewport}. Interactive: ms from navigation start ` +
      'until the "Search the catalogue" field is enabled, a result link is rendered and no long task (> 50 ms) that began ' +
      "by then is still running. JS: encoded body bytes of the scripts the load received (cold: empty cache, a fresh context each).",
    "",
    markdownTable(
      ["load", "n", "interactive ms (median / max)", "target (median) met?", "JS on the wire (median / max)", "target (max) met?"],
      [row("cold", result.cold), row("warm", result.warm)],
    ),
  ].join("\n");
}
