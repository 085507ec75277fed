// What the generators read from proto comments: descriptions, summaries and `Example:`
// request bodies. Access comes from the (library.access.v1.rule) option, never from wording.
import type { DescFile, DescService } from "@bufbuild/protobuf";
import { getComments } from "@bufbuild/protoplugin";
import type { AccessRule } from "@lms/platform/auth/access-rule";

// An `Example:` paragraph holds a JSON request body for the 3.1 documents; it is not prose.
const EXAMPLE = /(?:^|\n)Example:\s*([\s\S]*)$/;

/** Leading comment with the per-line space of `// text` removed, without its `Example:` paragraph. */
export function commentOf(desc: Parameters<typeof getComments>[0]): string {
  return rawComment(desc).replace(EXAMPLE, "").trim();
}

/** The JSON after `Example:` in a leading comment, parsed; undefined when there is none. */
export function exampleOf(desc: Parameters<typeof getComments>[0]): unknown {
  const text = EXAMPLE.exec(rawComment(desc))?.[1];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${desc.toString()}: the Example: in its comment is not JSON (${String(err)})`);
  }
}

function rawComment(desc: Parameters<typeof getComments>[0]): string {
  const raw = getComments(desc).leading ?? "";
  return raw
    .split("\n")
    .map((line) => line.replace(/^ /, "").trimEnd())
    .join("\n")
    .trim();
}

/** First sentence of a comment, unwrapped: source comments are hard-wrapped, so a first line is an arbitrary cut. */
export function summaryOf(comment: string): string {
  const flat = comment.replace(/\s+/g, " ").trim();
  return /^(.+?[.!?])(?=\s|$)/.exec(flat)?.[1] ?? flat;
}

/** The sentence the documents add to a method's description for its access rule (the proto option). */
export function accessSentence(rule: AccessRule): string {
  if (rule === "librarian") return "Librarians and admins only.";
  if (rule === "admin") return "Admins only.";
  return "";
}

/** A method's description: its comment, then what its access rule requires in words. */
export function methodDescription(comment: string, rule: AccessRule): string {
  return [comment, accessSentence(rule)].filter((s) => s !== "").join(" ");
}

/** The API version of a file's package: library.book.v1 → v1. */
export function apiVersion(file: DescFile): string {
  const last = file.proto.package.split(".").at(-1) ?? "";
  return /^v\d+/.test(last) ? last : "version not set";
}

/** The package segment before the version: library.book.v1 → book. */
export function serviceShortName(service: DescService): string {
  const segments = service.file.proto.package.split(".").filter((s) => s !== "" && !/^v\d+/.test(s));
  return segments.at(-1) ?? service.name;
}
