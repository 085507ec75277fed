// deploy/build-dist.ts: what `npm run build:dist` bundles and what it refuses.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { entryOf } from "@lms/cli/services";
import { WEB_ENTRY } from "@lms/cli/web-origin";
import { REPO_ROOT } from "@lms/platform";
import { afterAll, describe, expect, it } from "vitest";
import { bundle, distEntryOf, packageNameOf, productionDependencies } from "../../deploy/build-dist.js";

describe("build:dist", () => {
  const dir = mkdtempSync(join(tmpdir(), "lms-dist-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const dependencies = productionDependencies();

  it("names the package of a bare import", () => {
    expect(packageNameOf("fastify")).toBe("fastify");
    expect(packageNameOf("@bufbuild/protobuf/wkt")).toBe("@bufbuild/protobuf");
    expect(packageNameOf("jose/jwt")).toBe("jose");
  });

  it("bundles the workspace code and keeps production dependencies and built-ins external", async () => {
    const outfile = join(dir, "author.js");
    const meta = await bundle({ root: REPO_ROOT, entry: entryOf("author"), outfile, dependencies });
    const inputs = Object.keys(meta.inputs);
    expect(inputs.some((f) => f.startsWith("packages/platform/src/"))).toBe(true);
    expect(inputs.some((f) => f.includes("node_modules/"))).toBe(false);
    const output = Object.values(meta.outputs).find((o) => o.entryPoint !== undefined);
    expect(output?.imports.length).toBeGreaterThan(0);
    for (const { path, external } of output?.imports ?? []) {
      expect(external, path).toBe(true);
      expect(path.startsWith("node:") || dependencies.has(packageNameOf(path)), path).toBe(true);
    }
    expect(readFileSync(outfile, "utf8")).not.toContain('from "@lms/');
  });

  it("refuses an import of anything that is not a production dependency", async () => {
    const entry = join(dir, "uses-dev-dependency.ts");
    writeFileSync(entry, 'import { describe } from "vitest";\nexport const d = describe;\n');
    await expect(bundle({ root: REPO_ROOT, entry, outfile: join(dir, "out.js"), dependencies })).rejects.toThrow(
      /"vitest" .* is not a production dependency/,
    );
  });
});

describe("build:dist for the web origin", () => {
  const dir = mkdtempSync(join(tmpdir(), "lms-dist-web-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("bundles the origin with its route table from the OpenAPI documents, only production dependencies left external", async () => {
    const dependencies = productionDependencies();
    const outfile = join(dir, "web.js");
    const meta = await bundle({ root: REPO_ROOT, entry: WEB_ENTRY, outfile, dependencies });
    const inputs = Object.keys(meta.inputs);
    expect(inputs).toEqual(expect.arrayContaining(["api/openapi/book.json", "packages/web/shared/service-routes.ts"]));
    const output = Object.values(meta.outputs).find((o) => o.entryPoint !== undefined);
    for (const { path } of output?.imports ?? [])
      expect(path.startsWith("node:") || dependencies.has(packageNameOf(path)), path).toBe(true);
    expect(distEntryOf("web")).toBe(join("dist", "web", "main.js"));
  });
});
