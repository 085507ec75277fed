import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import openapiTS, { astToString } from "openapi-typescript";

const ROOT = resolve(import.meta.dirname, "../../..");
/** Where the generated `.d.ts` files go: ignored by git and biome, re-made by every run. */
export const GENERATED_DIR = join(ROOT, "test-results", "generated-client");

/** Generates `<svc>.d.ts` from each committed `api/openapi/<svc>.json` with openapi-typescript. */
export async function generateTypes(services: readonly string[]): Promise<void> {
  await mkdir(GENERATED_DIR, { recursive: true });
  for (const svc of services) {
    const ast = await openapiTS(pathToFileURL(join(ROOT, "api", "openapi", `${svc}.json`)));
    await writeFile(join(GENERATED_DIR, `${svc}.d.ts`), astToString(ast));
  }
}

/** Type-checks `files` (repo paths) with the repo's compiler options against the generated types; non-zero exit on any error. */
export async function typeCheck(files: readonly string[]): Promise<{ code: number; output: string }> {
  const tsconfig = join(GENERATED_DIR, "tsconfig.json");
  const config = {
    extends: relative(GENERATED_DIR, join(ROOT, "tsconfig.base.json")),
    files: files.map((f) => relative(GENERATED_DIR, join(ROOT, f))),
  };
  await writeFile(tsconfig, JSON.stringify(config, null, 2));
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [tsc, "-p", tsconfig, "--pretty", "false"], { cwd: ROOT });
    return { code: 0, output: stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}
