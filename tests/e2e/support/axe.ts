// axe-core in a real page (DESIGN.md §9: "passes axe-core with no serious violations"). The
// package's own bundle is evaluated in the page (no @axe-core/playwright: it needs Node 22), and
// `axe.run` runs every rule axe enables by default against the whole document. Not through
// page.addScriptTag: the origin's Content-Security-Policy (`script-src 'self'`) rightly refuses
// an inline script, and the page is checked under its real policy, not with CSP bypassed.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { ImpactValue } from "axe-core";
import type { Page } from "playwright-core";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** One rule axe found broken, with where. */
export interface AxeViolation {
  id: string;
  impact: ImpactValue | null | undefined;
  help: string;
  helpUrl: string;
  /** CSS paths of the offending elements and axe's summary of what to fix, for the report only. */
  nodes: { target: string; summary: string }[];
}

/** Runs axe on the page as it is now; every violation, whatever its impact. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const present = await page.evaluate(() => "axe" in window);
  if (!present) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const { axe } = window as unknown as { axe: typeof import("axe-core") };
    const results = await axe.run(document, { resultTypes: ["violations"] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary ?? "" })),
    }));
  });
}

/** True for the impacts DESIGN §9 forbids. */
export function isBlocking(v: AxeViolation): boolean {
  return v.impact === "serious" || v.impact === "critical";
}

/** A readable list of violations for an assertion message or the test output. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${v.nodes.map((n) => `      at ${n.target}: ${n.summary}`).join("\n")}`)
    .join("\n");
}

/**
 * Checks the page: returns the serious and critical violations (the caller asserts there are
 * none) and prints the minor and moderate ones, which are allowed but worth reading.
 */
export async function auditPage(page: Page, screen: string): Promise<AxeViolation[]> {
  const all = await axeViolations(page);
  const advisory = all.filter((v) => !isBlocking(v));
  if (advisory.length > 0) console.log(`[axe] ${screen}: ${advisory.length} minor/moderate\n${describeViolations(advisory)}`);
  else console.log(`[axe] ${screen}: no minor/moderate findings`);
  return all.filter(isBlocking);
}
