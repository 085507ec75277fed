// `npm run build:dist`: bundles each present service's entry (packages/<svc>/src/main.ts) into
// dist/<svc>/main.js, and the web origin's (packages/web/server/main.ts) into dist/web/main.js —
// what the container images run with plain `node`. Workspace code (@lms/*,
// TypeScript) is bundled; npm packages stay external and come from `npm ci --omit=dev`, so a
// bare import of anything that is not a production dependency fails the build here rather than
// the container at start.
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { isEntryPoint, runCli } from "@lms/cli/entry-point";
import { entryOf, presentServices, type ServiceName } from "@lms/cli/services";
import { WEB_ENTRY, webOriginPresent } from "@lms/cli/web-origin";
import { REPO_ROOT } from "@lms/platform";
import { build, type Metafile, type Plugin } from "esbuild";

/** Where a service's (or the web origin's) bundle lands, relative to the repository root. */
export function distEntryOf(name: ServiceName | "web"): string {
  return join("dist", name, "main.js");
}

/** The package name of a bare import: `fastify` for `fastify/x`, `@scope/pkg` for `@scope/pkg/x`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** The root package.json's production dependencies (what the runtime image installs). */
export function productionDependencies(root = REPO_ROOT): Set<string> {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  return new Set(Object.keys(manifest.dependencies ?? {}));
}

const builtins = new Set(builtinModules);

/** Keeps node built-ins and production dependencies external, bundles @lms/*, refuses the rest. */
function onlyProductionDependencies(dependencies: Set<string>): Plugin {
  return {
    name: "only-production-dependencies",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith("@lms/")) return undefined;
        if (args.path.startsWith("node:") || builtins.has(args.path)) return { external: true };
        if (dependencies.has(packageNameOf(args.path))) return { external: true };
        const text = `"${args.path}" (imported by ${args.importer}) is not a production dependency: the image installs only package.json "dependencies"`;
        return { errors: [{ text }] };
      });
    },
  };
}

/** What one bundle is made of. */
export interface BundleOptions {
  root: string;
  /** Entry file, relative to `root` or absolute. */
  entry: string;
  outfile: string;
  /** Packages that stay external (installed in the image); any other bare import fails. */
  dependencies: Set<string>;
}

/** Bundles one entry for Node 20 (ESM); returns esbuild's metafile (inputs and the imports left external). */
export async function bundle(opts: BundleOptions): Promise<Metafile> {
  const result = await build({
    absWorkingDir: opts.root,
    entryPoints: [opts.entry],
    outfile: opts.outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    metafile: true,
    logLevel: "silent",
    plugins: [onlyProductionDependencies(opts.dependencies)],
  });
  return result.metafile;
}

/** Bundles one service into dist/<svc>/main.js. */
export function buildService(name: ServiceName, root = REPO_ROOT): Promise<Metafile> {
  return bundle({ root, entry: entryOf(name), outfile: distEntryOf(name), dependencies: productionDependencies(root) });
}

/** Bundles the web origin into dist/web/main.js (the OpenAPI documents its route table comes from included). */
export function buildWebOriginBundle(root = REPO_ROOT): Promise<Metafile> {
  return bundle({ root, entry: WEB_ENTRY, outfile: distEntryOf("web"), dependencies: productionDependencies(root) });
}

/** Bundles every present service and the web origin; returns the names built. */
export async function buildDist(root = REPO_ROOT): Promise<(ServiceName | "web")[]> {
  const services = presentServices(root).map((s) => s.name);
  for (const name of services) await buildService(name, root);
  if (!webOriginPresent(root)) return services;
  await buildWebOriginBundle(root);
  return [...services, "web"];
}

if (isEntryPoint(import.meta.url)) {
  await runCli("build:dist", "build-dist (no arguments)", async () => {
    const names = await buildDist();
    process.stdout.write(`built ${names.map(distEntryOf).join(", ")}\n`);
  });
}
