// Gzipped JavaScript a page downloads: the entry chunk, the page's lazy chunk, and every chunk
// they import statically (from dist/.vite/manifest.json). Run after `npm run build -w @lms/web`:
//   node --import tsx packages/web/scripts/first-page-size.ts [src/pages/catalogue/catalogue-page.tsx]
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";

interface Chunk {
  file: string;
  imports?: string[];
  isEntry?: boolean;
}

const DIST = resolve(import.meta.dirname, "..", "dist");
const manifest = JSON.parse(readFileSync(join(DIST, ".vite", "manifest.json"), "utf8")) as Record<string, Chunk>;

/** Every chunk file reached from `keys` through static imports. */
function closure(keys: string[]): Set<string> {
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const next of chunk.imports ?? []) visit(next);
  };
  for (const key of keys) visit(key);
  return files;
}

export function firstPageGzipBytes(page: string): { files: string[]; bytes: number } {
  const entries = Object.keys(manifest).filter((k) => manifest[k]?.isEntry);
  const files = [...closure([...entries, page])].filter((f) => f.endsWith(".js"));
  const bytes = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(DIST, f))).length, 0);
  return { files, bytes };
}

const page = process.argv[2] ?? "src/pages/catalogue/catalogue-page.tsx";
const { files, bytes } = firstPageGzipBytes(page);
console.log(`${page}: ${(bytes / 1024).toFixed(1)} KiB of gzipped JavaScript in ${files.length} files: ${files.join(", ")}`);
