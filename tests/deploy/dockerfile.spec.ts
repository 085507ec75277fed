// Static rules of deploy/Dockerfile that the start-command spec cannot see.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "@lms/platform";
import { describe, expect, it } from "vitest";
import { execCmdOf, readDockerfile, stageNamed } from "./support/dockerfile.js";

const dockerfile = readDockerfile();
const runtime = dockerfile.stages[dockerfile.stages.length - 1];
// Variable references read as <NAME>, so the expectations below are plain strings.
const argsOf = (keyword: string, stage = runtime) =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args.replace(/\$\{(\w+)\}/g, "<$1>"));
const workspacePackages = readdirSync(join(REPO_ROOT, "packages")).sort();

describe("deploy/Dockerfile", () => {
  it("has deps → build → web-build → web, and runtime last (the default target), on a Node 20 base image", () => {
    expect(dockerfile.stages.map((s) => s.name)).toEqual(["deps", "build", "web-build", "web", "runtime"]);
    expect(dockerfile.globalArgs.NODE_IMAGE).toMatch(/^node:20[-.]/);
    expect(runtime.from.replace(/\$\{(\w+)\}/g, "<$1>")).toBe("<NODE_IMAGE>");
  });

  it("copies every workspace manifest before each npm ci (npm ci needs them all)", () => {
    for (const stage of [stageNamed(dockerfile, "deps"), stageNamed(dockerfile, "web"), runtime]) {
      for (const pkg of workspacePackages) expect(argsOf("COPY", stage)).toContain(`packages/${pkg}/package.json packages/${pkg}/`);
    }
  });

  it("installs only production dependencies in the runtime image, and runs in production", () => {
    expect(argsOf("RUN").some((cmd) => / npm ci --omit=dev /.test(` ${cmd.replace(/^(--\S+\s+)+/, "")} `))).toBe(true);
    const env = argsOf("ENV").join(" ");
    expect(env).toContain("NODE_ENV=production");
    expect(env).toContain(`LMS_ROOT=${argsOf("WORKDIR")[0]}`);
  });

  it("puts the bundle, the service's migrations and its OpenAPI documents in the runtime image", () => {
    expect(argsOf("COPY")).toEqual(
      expect.arrayContaining([
        "--from=build /app/dist/<SERVICE>/ dist/",
        "packages/<SERVICE>/migrations/ packages/<SERVICE>/migrations/",
        "api/swagger/<SERVICE>.swagger.json api/swagger/",
        "api/openapi/<SERVICE>.json api/openapi/",
      ]),
    );
  });

  it("builds with the classic builder too (docker-compose v1, a CLI without buildx): no `# syntax=` image to pull, no RUN --mount", () => {
    const text = readFileSync(join(REPO_ROOT, "deploy", "Dockerfile"), "utf8");
    expect(text).not.toMatch(/^#\s*syntax=/m);
    for (const stage of dockerfile.stages) expect(argsOf("RUN", stage).filter((cmd) => cmd.startsWith("--"))).toEqual([]);
  });

  it("runs as a numeric non-root user", () => {
    const [uid] = (argsOf("USER").at(-1) ?? "0").split(":").map(Number);
    expect(uid).toBeGreaterThan(0);
  });
});

/** The patterns of an ignore file: its lines without comments and blanks. */
function ignorePatterns(path: string): string[] {
  return readFileSync(join(REPO_ROOT, path), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
}

describe("deploy/Dockerfile's web target (DESIGN.md §9)", () => {
  const web = stageNamed(dockerfile, "web");

  it("builds the app in its own stage from the build stage, which has the OpenAPI documents", () => {
    expect(stageNamed(dockerfile, "web-build").from).toBe("build");
    expect(argsOf("RUN", stageNamed(dockerfile, "web-build"))).toEqual(["node --import tsx packages/cli/src/web-build.ts"]);
    expect(argsOf("COPY", stageNamed(dockerfile, "build"))).toContain("api/openapi/ api/openapi/");
  });

  it("runs the origin's bundle on production dependencies, serving the built app, as a non-root user", () => {
    expect(web.from.replace(/\$\{(\w+)\}/g, "<$1>")).toBe("<NODE_IMAGE>");
    expect(argsOf("RUN", web).some((cmd) => cmd.startsWith("npm ci --omit=dev "))).toBe(true);
    expect(argsOf("ENV", web).join(" ")).toContain("NODE_ENV=production");
    expect(argsOf("COPY", web)).toEqual(
      expect.arrayContaining(["--from=build /app/dist/web/ dist/", "--from=web-build /app/packages/web/dist/ packages/web/dist/"]),
    );
    expect(Number((argsOf("USER", web).at(-1) ?? "0").split(":")[0])).toBeGreaterThan(0);
    expect(execCmdOf(web)).toEqual(["node", "--enable-source-maps", "dist/main.js"]);
  });
});

describe("the build context", () => {
  it("leaves out the same paths for every builder: the root .dockerignore (classic builder, docker-compose v1) and BuildKit's", () => {
    const root = ignorePatterns(".dockerignore");
    expect(root).toEqual(ignorePatterns("deploy/Dockerfile.dockerignore"));
    for (const heavy of ["**/node_modules", ".git", "data", "test-results", "dist", "packages/web/dist"]) expect(root).toContain(heavy);
  });
});
