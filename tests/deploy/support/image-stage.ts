import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, statSync, symlinkSync } from "node:fs";
import { basename, isAbsolute, join, posix } from "node:path";
import { type Instruction, substitute } from "./dockerfile.js";

/** A stage laid out on this machine: the directory standing for the image's WORKDIR, and how to start it. */
export interface StagedImage {
  /** Host directory standing for `workdir`. */
  dir: string;
  /** The image's WORKDIR (an absolute path inside the image). */
  workdir: string;
  /** The stage's ENV, with paths under `workdir` mapped into `dir`. */
  env: Record<string, string>;
  /** The numeric USER the image runs as, if any. */
  user: { uid: number; gid: number } | undefined;
}

export interface LayoutContext {
  /** The build context (COPY without --from reads here). */
  contextDir: string;
  /** Other stages already laid out (COPY --from=<name> reads there). */
  stages: Record<string, Pick<StagedImage, "dir" | "workdir">>;
  /** --build-arg values. */
  buildArgs: Record<string, string>;
}

const RECORDED_ONLY = new Set(["CMD", "EXPOSE", "LABEL", "HEALTHCHECK", "STOPSIGNAL"]);

/**
 * Carries out a Dockerfile stage's instructions on this machine, so the image's layout can be
 * tested without a Docker engine: COPY from the context or a laid-out stage, RUN through `sh -c`
 * (BuildKit `--mount` options dropped; npm prefers its local cache; HOME is a throwaway directory), WORKDIR/ENV/ARG/USER
 * recorded. The stage starts from a base image (an empty directory here) and has one WORKDIR.
 */
export class StageLayout {
  private workdir = "";
  private env: Record<string, string> = {};
  private args: Record<string, string> = {};
  private user: StagedImage["user"];

  constructor(
    private readonly dir: string,
    private readonly context: LayoutContext,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  apply(instructions: Instruction[]): this {
    for (const { keyword, args } of instructions) {
      if (keyword === "WORKDIR") this.setWorkdir(args);
      else if (keyword === "ARG") this.declareArg(args);
      else if (keyword === "ENV") this.setEnv(args);
      else if (keyword === "COPY") this.copy(substitute(args, this.vars()));
      else if (keyword === "RUN") this.run(args);
      else if (keyword === "USER") this.setUser(args);
      else if (!RECORDED_ONLY.has(keyword)) throw new Error(`${keyword} is not supported by this emulation`);
    }
    return this;
  }

  /**
   * The layout so far copied to `dir` with other build args, as an image layer is shared by
   * several images: node_modules is linked, not copied.
   */
  fork(dir: string, buildArgs: Record<string, string>): StageLayout {
    const copy = new StageLayout(dir, { ...this.context, buildArgs });
    cpSync(this.dir, dir, { recursive: true, filter: (src) => src !== join(this.dir, "node_modules") });
    symlinkSync(join(this.dir, "node_modules"), join(dir, "node_modules"));
    Object.assign(copy, { workdir: this.workdir, env: { ...this.env }, args: { ...this.args }, user: this.user });
    return copy;
  }

  image(): StagedImage {
    return { dir: this.dir, workdir: this.workdir, env: this.mappedEnv(), user: this.user };
  }

  private vars(): Record<string, string> {
    return { ...this.args, ...this.env };
  }

  private setWorkdir(path: string): void {
    if (this.workdir && this.workdir !== path) throw new Error(`one WORKDIR per stage is supported, got ${path}`);
    this.workdir = path;
  }

  private declareArg(text: string): void {
    const [key, fallback = ""] = text.split("=", 2);
    this.args[key] = this.context.buildArgs[key] ?? fallback;
  }

  private setEnv(text: string): void {
    for (const pair of text.split(/\s+/)) {
      const [key, value] = pair.split("=", 2);
      if (value === undefined) throw new Error(`ENV must be KEY=value pairs, got ${text}`);
      this.env[key] = substitute(value, this.vars());
    }
  }

  private setUser(text: string): void {
    const [uid, gid = uid] = text.split(":").map(Number);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`USER must be a numeric uid[:gid], got ${text}`);
    this.user = { uid, gid };
  }

  /** A path inside the image, as a path on this machine. */
  private hostPath(path: string, stage: Pick<StagedImage, "dir" | "workdir"> = { dir: this.dir, workdir: this.workdir }): string {
    if (!isAbsolute(path)) return join(stage.dir, path);
    if (path === stage.workdir || path.startsWith(`${stage.workdir}/`)) return join(stage.dir, posix.relative(stage.workdir, path));
    throw new Error(`${path} is outside the WORKDIR ${stage.workdir}`);
  }

  private mappedEnv(): Record<string, string> {
    const inside = (v: string) => this.workdir !== "" && (v === this.workdir || v.startsWith(`${this.workdir}/`));
    return Object.fromEntries(Object.entries(this.env).map(([k, v]) => [k, inside(v) ? this.hostPath(v) : v]));
  }

  private copy(text: string): void {
    const tokens = text.split(/\s+/);
    const from = tokens.find((t) => t.startsWith("--from="))?.slice("--from=".length);
    const paths = tokens.filter((t) => !t.startsWith("--"));
    const dest = paths.pop();
    if (!dest || paths.length === 0) throw new Error(`COPY needs sources and a destination: ${text}`);
    for (const src of paths) {
      if (/[*?[]/.test(src)) throw new Error(`COPY wildcards are not supported: ${src}`);
      const other = from === undefined ? undefined : this.context.stages[from];
      if (from !== undefined && !other) throw new Error(`COPY --from=${from}: that stage is not laid out`);
      const source = other ? this.hostPath(src, other) : join(this.context.contextDir, src);
      const target = this.hostPath(dest);
      if (statSync(source).isDirectory()) {
        cpSync(source, target, { recursive: true });
        continue;
      }
      const file = dest.endsWith("/") || paths.length > 1 ? join(target, basename(source)) : target;
      mkdirSync(join(file, ".."), { recursive: true });
      cpSync(source, file);
    }
  }

  private run(text: string): void {
    const command = text.replace(/^(--\S+\s+)+/, "");
    // The image's HOME is a throwaway directory here, so a RUN that removes its npm cache
    // (`rm -rf /root/.npm` in an image) cannot touch this machine's; npm still reads that cache.
    const home = join(this.dir, "..", `.home-${basename(this.dir)}`);
    mkdirSync(home, { recursive: true });
    const env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      npm_config_cache: process.env.npm_config_cache ?? join(process.env.HOME ?? "/root", ".npm"),
      ...this.args,
      ...this.mappedEnv(),
      npm_config_prefer_offline: "true",
      npm_config_update_notifier: "false",
      npm_config_loglevel: "error",
    };
    const result = spawnSync("sh", ["-c", command], { cwd: this.dir, env, encoding: "utf8", timeout: 300_000 });
    if (result.status !== 0) throw new Error(`RUN ${command} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}
