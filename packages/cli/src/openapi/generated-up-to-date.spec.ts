// Guards against stale generated code: regenerates with the repo's own
// buf.gen.yaml into a scratch folder and compares byte for byte with what is
// committed under each plugin's `out` (packages/gen/src, api/swagger, api/openapi).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

interface Template {
  plugins: { out: string }[];
}

function isTemplate(v: unknown): v is Template {
  if (typeof v !== "object" || v === null || !("plugins" in v) || !Array.isArray(v.plugins)) return false;
  return v.plugins.every((p: unknown) => typeof p === "object" && p !== null && "out" in p && typeof p.out === "string");
}

/** The repo template with every plugin's `out` moved under `tmp`; returns its path and the original outs. */
function writeScratchTemplate(tmp: string): { path: string; outs: string[] } {
  const template: unknown = parse(readFileSync(join(repoRoot, "buf.gen.yaml"), "utf8"));
  if (!isTemplate(template)) throw new Error("buf.gen.yaml has no plugins with an out");
  const outs = [...new Set(template.plugins.map((p) => p.out))];
  const scratch = { ...template, plugins: template.plugins.map((p) => ({ ...p, out: join(tmp, p.out) })) };
  const path = join(tmp, "buf.gen.yaml");
  writeFileSync(path, stringify(scratch));
  return { path, outs };
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const entries = readdirSync(dir, { recursive: true, encoding: "utf8" });
  return entries.filter((rel) => statSync(join(dir, rel)).isFile()).sort();
}

/** Every difference between the committed and the fresh tree, one line per file. */
function differences(committedDir: string, freshDir: string, label: string): string[] {
  const committed = filesUnder(committedDir);
  const fresh = filesUnder(freshDir);
  const all = [...new Set([...committed, ...fresh])].sort();
  return all.flatMap((rel) => {
    const file = join(label, rel);
    if (!fresh.includes(rel)) return [`${file}: committed but no longer generated`];
    if (!committed.includes(rel)) return [`${file}: generated but not committed`];
    const same = readFileSync(join(committedDir, rel)).equals(readFileSync(join(freshDir, rel)));
    return same ? [] : [`${file}: differs from a fresh generation`];
  });
}

describe("generated code", () => {
  it("matches a fresh `buf generate`", { timeout: 60_000 }, () => {
    const tmp = mkdtempSync(join(tmpdir(), "lms-generate-"));
    try {
      const { path, outs } = writeScratchTemplate(tmp);
      // npx puts node_modules/.bin (buf, protoc-gen-es) on PATH, as `npm run` would.
      execFileSync("npx", ["buf", "generate", "--template", path], { cwd: repoRoot, stdio: "pipe" });
      const problems = outs.flatMap((out) => differences(join(repoRoot, out), join(tmp, out), out));
      expect(problems, `generated files are stale, run \`npm run generate\`:\n${problems.join("\n")}`).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
