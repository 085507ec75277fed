import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "@lms/platform";

/** One instruction, continuation lines joined (`RUN a \` + `  b` → `RUN a b`). */
export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  /** The `AS` name, or the index for an unnamed stage. */
  name: string;
  from: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string>;
  stages: Stage[];
}

export const DOCKERFILE_PATH = join(REPO_ROOT, "deploy", "Dockerfile");

/** Parses the subset of Dockerfile syntax the project uses: comments, `\` continuations, stages. */
export function parseDockerfile(text: string): Dockerfile {
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const { keyword, args } of logicalLines(text)) {
    if (keyword === "FROM") {
      const [from, as, name] = args.split(/\s+/);
      stages.push({ name: as?.toUpperCase() === "AS" && name ? name : String(stages.length), from, instructions: [] });
    } else if (stages.length === 0) {
      if (keyword !== "ARG") throw new Error(`only ARG may come before FROM, got ${keyword}`);
      const [key, value = ""] = args.split("=", 2);
      globalArgs[key] = value;
    } else {
      stages[stages.length - 1].instructions.push({ keyword, args });
    }
  }
  return { globalArgs, stages };
}

function logicalLines(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (pending === "" && (line === "" || line.startsWith("#"))) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const whole = (pending + line).trim();
    pending = "";
    const space = whole.search(/\s/);
    out.push({ keyword: whole.slice(0, space).toUpperCase(), args: whole.slice(space + 1).trim() });
  }
  return out;
}

/** The project's Dockerfile, parsed. */
export function readDockerfile(): Dockerfile {
  return parseDockerfile(readFileSync(DOCKERFILE_PATH, "utf8"));
}

/** The stage called `name`; throws when there is none. */
export function stageNamed(file: Dockerfile, name: string): Stage {
  const stage = file.stages.find((s) => s.name === name);
  if (!stage) throw new Error(`deploy/Dockerfile has no stage "${name}"`);
  return stage;
}

/** The exec-form CMD of a stage (the image's start command); a shell-form CMD is refused. */
export function execCmdOf(stage: Stage): string[] {
  const cmd = stage.instructions.filter((i) => i.keyword === "CMD").at(-1);
  if (!cmd) throw new Error(`stage ${stage.name} has no CMD`);
  const argv = JSON.parse(cmd.args) as unknown;
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === "string")) throw new Error(`CMD must be exec form, got ${cmd.args}`);
  return argv;
}

/** `${NAME}` and `$NAME` replaced from `vars` (unknown names become ""), as the builder does. */
export function substitute(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string | undefined, b: string | undefined) => vars[a ?? b ?? ""] ?? "");
}
