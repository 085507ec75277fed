import { type DescField, type DescMessage, type Message, ScalarType } from "@bufbuild/protobuf";

/** One string of a request that cannot be stored as text: its field path and why. */
export interface TextViolation {
  /** JSON path of the field, as google.rpc.BadRequest names it: `name`, `author.name`, `ids[2]`, `labels[key]`. */
  field: string;
  description: string;
}

const NUL = "must not contain NUL characters (U+0000)";
const SURROGATE = "must be valid Unicode (it contains a lone UTF-16 surrogate)";
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored as PostgreSQL text, or undefined when it can. */
export function textProblem(text: string): string | undefined {
  if (text.includes("\0")) return NUL;
  if (LONE_SURROGATE.test(text)) return SURROGATE;
  return undefined;
}

/**
 * Every string of `message` — nested messages, repeated fields, map keys and values and oneof
 * members included — that PostgreSQL would refuse as text (a NUL character: SQLSTATE 22021)
 * or could only store altered (a lone surrogate becomes U+FFFD). Odd but valid Unicode (RTL
 * marks, emoji, combining characters) passes. Messages without any string field are skipped
 * at the cost of one map lookup.
 */
export function textViolations(desc: DescMessage, message: Message): TextViolation[] {
  const found: TextViolation[] = [];
  walk(desc, message as unknown as Record<string, unknown>, "", found, 0);
  return found;
}

// Deeper than any of our messages; stops a (legal) self-referencing message from looping.
const MAX_DEPTH = 32;

function walk(desc: DescMessage, message: Record<string, unknown>, prefix: string, found: TextViolation[], depth: number): void {
  if (depth > MAX_DEPTH || !holdsText(desc)) return;
  for (const field of desc.fields) {
    const value = fieldValue(field, message);
    if (value === undefined || value === null) continue;
    const path = prefix + field.jsonName;
    switch (field.fieldKind) {
      case "scalar":
        if (field.scalar === ScalarType.STRING) check(value, path, found);
        break;
      case "message":
        walk(field.message, value as Record<string, unknown>, `${path}.`, found, depth + 1);
        break;
      case "list":
        (value as unknown[]).forEach((item, i) => {
          if (field.listKind === "scalar" && field.scalar === ScalarType.STRING) check(item, `${path}[${i}]`, found);
          if (field.listKind === "message") walk(field.message, item as Record<string, unknown>, `${path}[${i}].`, found, depth + 1);
        });
        break;
      case "map":
        for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
          if (field.mapKey === ScalarType.STRING) check(key, `${path}[${JSON.stringify(key)}]`, found);
          if (field.mapKind === "scalar" && field.scalar === ScalarType.STRING) check(item, `${path}[${JSON.stringify(key)}]`, found);
          if (field.mapKind === "message")
            walk(field.message, item as Record<string, unknown>, `${path}[${JSON.stringify(key)}].`, found, depth + 1);
        }
        break;
      default:
        break; // enums
    }
  }
}

/** A field's value; a oneof member only when it is the case set. */
function fieldValue(field: DescField, message: Record<string, unknown>): unknown {
  if (!field.oneof) return message[field.localName];
  const oneof = message[field.oneof.localName] as { case?: string; value?: unknown } | undefined;
  return oneof?.case === field.localName ? oneof.value : undefined;
}

function check(value: unknown, field: string, found: TextViolation[]): void {
  if (typeof value !== "string") return;
  const description = textProblem(value);
  if (description) found.push({ field, description });
}

const textBearing = new WeakMap<DescMessage, boolean>();

/** True when a string can occur anywhere inside messages of `desc` (memoised per descriptor). */
function holdsText(desc: DescMessage, visiting = new Set<DescMessage>()): boolean {
  const known = textBearing.get(desc);
  if (known !== undefined) return known;
  if (visiting.has(desc)) return false; // a cycle: decided by the other fields
  visiting.add(desc);
  const result = desc.fields.some((f) => {
    if (f.fieldKind === "map" && f.mapKey === ScalarType.STRING) return true;
    if (f.fieldKind === "scalar" || f.fieldKind === "list" || f.fieldKind === "map") {
      if ("scalar" in f && f.scalar === ScalarType.STRING) return true;
    }
    const nested =
      f.fieldKind === "message" ||
      (f.fieldKind === "list" && f.listKind === "message") ||
      (f.fieldKind === "map" && f.mapKind === "message")
        ? f.message
        : undefined;
    return nested ? holdsText(nested, visiting) : false;
  });
  visiting.delete(desc);
  // A message on a cycle was judged with part of the cycle unknown: remember only definite answers.
  if (result || visiting.size === 0) textBearing.set(desc, result);
  return result;
}
