// Prints the plain "N passed, N failed" line CI reads, from vitest's JSON report. Steps that
// ran before vitest (typecheck, lint) and failed are counted as failures too, so a red build
// can never read as green. Exit code: non-zero when anything failed.
import { existsSync, readFileSync } from "node:fs";

const [reportPath, makeStatus = "0"] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(reportPath)) {
  const report = JSON.parse(readFileSync(reportPath, "utf8"));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A suite that crashed before its tests ran (import error, failing beforeAll) has no failed tests of its own.
  failed += (report.testResults ?? []).filter(
    (f) => f.status === "failed" && f.assertionResults.every((a) => a.status !== "failed"),
  ).length;
}
const steps = existsSync("test-results/steps.json") ? JSON.parse(readFileSync("test-results/steps.json", "utf8")) : {};
for (const ok of Object.values(steps)) ok ? passed++ : failed++;
if (Number(makeStatus) !== 0 && failed === 0) failed = 1;
// Skips are named too: a suite skipped for a missing tool must not pass unseen.
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
