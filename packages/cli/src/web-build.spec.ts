import { existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appState, buildApp, buildCommand } from "./web-build.js";

/** A repository root with packages/web (optionally with a Vite config and a build) and api/openapi. */
function fakeRoot(opts: { config?: boolean; built?: boolean; script?: boolean } = {}): string {
  const root = mkdtempSync(join(tmpdir(), "web-build-"));
  const web = join(root, "packages", "web");
  mkdirSync(join(web, "src"), { recursive: true });
  mkdirSync(join(root, "api", "openapi"), { recursive: true });
  writeFileSync(join(web, "package.json"), JSON.stringify({ name: "@lms/web", scripts: opts.script ? { build: "vite build" } : {} }));
  writeFileSync(join(web, "src", "main.tsx"), "export {};");
  writeFileSync(join(root, "api", "openapi", "book.json"), "{}");
  if (opts.config) writeFileSync(join(web, "vite.config.ts"), "export default {};");
  if (opts.built) {
    mkdirSync(join(web, "dist"));
    writeFileSync(join(web, "dist", "index.html"), "<!doctype html>");
  }
  return root;
}

const setAge = (path: string, secondsAgo: number) => {
  const t = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(path, t, t);
};

describe("appState", () => {
  it("is absent without a Vite config, and stale with one but no build", () => {
    expect(appState(fakeRoot())).toBe("absent");
    expect(appState(fakeRoot({ config: true }))).toBe("stale");
  });

  it("is fresh when the build is newer than every source, stale when a source or an OpenAPI document changed since", () => {
    const root = fakeRoot({ config: true, built: true });
    const web = join(root, "packages", "web");
    for (const p of [join(web, "src", "main.tsx"), join(web, "src"), join(web, "vite.config.ts"), join(web, "package.json")]) setAge(p, 60);
    for (const p of [join(root, "api", "openapi", "book.json"), join(root, "api", "openapi")]) setAge(p, 60);
    expect(appState(root)).toBe("fresh");
    setAge(join(web, "dist", "index.html"), 120);
    expect(appState(root)).toBe("stale");
    setAge(join(web, "dist", "index.html"), 0);
    expect(appState(root)).toBe("fresh");
    writeFileSync(join(root, "api", "openapi", "book.json"), '{"changed":true}');
    setAge(join(web, "dist", "index.html"), 30);
    expect(appState(root)).toBe("stale");
  });
});

describe("buildCommand", () => {
  it("runs the package's build script when it has one, else vite build in packages/web", () => {
    const scripted = fakeRoot({ config: true, script: true });
    expect(buildCommand(scripted)).toEqual({ command: "npm", args: ["run", "build", "--workspace", "@lms/web"], cwd: scripted });
    const bare = fakeRoot({ config: true });
    const { args, cwd } = buildCommand(bare);
    expect([args.at(-1), args[0].endsWith(join("vite", "bin", "vite.js")), cwd]).toEqual(["build", true, join(bare, "packages", "web")]);
  });
});

describe("buildApp", () => {
  /** A workspace root whose web package's build script is `script` (run by npm, as make run runs it). */
  function workspace(script: string): string {
    const root = fakeRoot({ config: true });
    writeFileSync(join(root, "package.json"), JSON.stringify({ name: "root", private: true, workspaces: ["packages/*"] }));
    writeFileSync(join(root, "packages", "web", "package.json"), JSON.stringify({ name: "@lms/web", scripts: { build: script } }));
    return root;
  }

  it("runs the build script, relays its output and makes the app fresh", async () => {
    const root = workspace(
      `node -e "require('fs').mkdirSync('dist',{recursive:true});require('fs').writeFileSync('dist/index.html','x');console.log('built it')"`,
    );
    const lines: string[] = [];
    expect(await buildApp((line) => lines.push(line), root)).toBe(true);
    expect(existsSync(join(root, "packages", "web", "dist", "index.html"))).toBe(true);
    expect(lines).toContain("built it");
    expect(appState(root)).toBe("fresh");
  }, 60_000);

  it("reports a failed build as false, never a throw", async () => {
    const lines: string[] = [];
    expect(await buildApp((line) => lines.push(line), workspace(`node -e "console.error('vite says no');process.exit(3)"`))).toBe(false);
    expect(lines).toContain("vite says no");
  }, 60_000);
});
