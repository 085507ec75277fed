// `make run` builds the web app (Vite, packages/web) when its output is missing or older than
// its sources, so a fresh checkout and an edited one both serve the current app, and a second
// `make run` with nothing changed starts at once.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "@lms/platform/repo-paths";
import { isEntryPoint, runCli } from "./entry-point.js";

/** The app's package, its build output, and what decides whether it is out of date. */
const WEB_DIR = join("packages", "web");
const OUTPUT = join(WEB_DIR, "dist", "index.html");
/** Inputs of a build: the app's own files and the OpenAPI documents its client is generated from. */
const SOURCES = [
  join(WEB_DIR, "src"),
  join(WEB_DIR, "public"),
  join(WEB_DIR, "index.html"),
  join(WEB_DIR, "package.json"),
  join("api", "openapi"),
];
const CONFIG_NAMES = ["vite.config.ts", "vite.config.mts", "vite.config.js"];

/** `absent`: no app to build (no Vite config); `fresh`: the output is newer than every source; `stale`: build it. */
export type AppState = "absent" | "fresh" | "stale";

export function appState(root = REPO_ROOT): AppState {
  const configs = CONFIG_NAMES.map((n) => join(root, WEB_DIR, n)).filter((p) => existsSync(p));
  if (configs.length === 0) return "absent";
  const output = join(root, OUTPUT);
  if (!existsSync(output)) return "stale";
  const built = statSync(output).mtimeMs;
  const newest = Math.max(...[...configs, ...SOURCES.map((s) => join(root, s))].map(newestMtime));
  return newest > built ? "stale" : "fresh";
}

/** Newest modification time under `path` (a file or a folder, walked), 0 when it does not exist. */
export function newestMtime(path: string): number {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/**
 * The build command: the package's own `build` script when it has one, else `vite build` in
 * packages/web (the Vite binary of the root node_modules, run by this node).
 */
export function buildCommand(root = REPO_ROOT): { command: string; args: string[]; cwd: string } {
  const manifest = JSON.parse(readFileSync(join(root, WEB_DIR, "package.json"), "utf8")) as {
    name?: string;
    scripts?: Record<string, string>;
  };
  if (manifest.scripts?.build) return { command: "npm", args: ["run", "build", "--workspace", manifest.name ?? WEB_DIR], cwd: root };
  return { command: process.execPath, args: [join(root, "node_modules", "vite", "bin", "vite.js"), "build"], cwd: join(root, WEB_DIR) };
}

/**
 * Builds the app, its output relayed line by line through `log`; resolves true on success.
 * Never rejects: a failed build is reported, and the origin serves the previous build or says on
 * `/` that there is none.
 */
export function buildApp(log: (line: string) => void, root = REPO_ROOT): Promise<boolean> {
  const { command, args, cwd } = buildCommand(root);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NODE_ENV: "production" }, stdio: ["ignore", "pipe", "pipe"] });
    const relay = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) if (line.trim()) log(line);
    };
    child.stdout.on("data", relay);
    child.stderr.on("data", relay);
    child.once("error", (err) => {
      log(`could not run ${command}: ${err.message}`);
      resolve(false);
    });
    child.once("close", (code) => resolve(code === 0));
  });
}

// `node --import tsx packages/cli/src/web-build.ts` (the image's web-build stage): builds the app
// unless it is up to date; with no app in the checkout, leaves an empty packages/web/dist.
if (isEntryPoint(import.meta.url)) {
  await runCli("web-build", "web-build (no arguments)", async () => {
    const state = appState();
    const say = (line: string) => process.stdout.write(`${line}\n`);
    if (state === "absent") {
      mkdirSync(join(REPO_ROOT, WEB_DIR, "dist"), { recursive: true });
      say("no app in packages/web (no vite.config): nothing to build");
    } else if (state === "fresh") {
      say("the app's build is up to date");
    } else if (!(await buildApp(say))) {
      throw new Error("the app's build failed (output above)");
    }
  });
}
