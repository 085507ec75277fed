import { invalidArgument } from "../errors/errors.js";

/**
 * Edge validation helpers: each checks one field and throws INVALID_ARGUMENT naming it
 * (DESIGN.md §3), so handlers read as a list of rules.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a UUID (any version, any case). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A UUID (any version), returned lower-cased. */
export function requireUuid(field: string, value: string): string {
  if (!value) throw invalidArgument(field, "is required");
  if (!UUID.test(value)) throw invalidArgument(field, "must be a UUID");
  return value.toLowerCase();
}

/** An optional UUID: "" stays "" (absent). */
export function optionalUuid(field: string, value: string): string {
  return value === "" ? "" : requireUuid(field, value);
}

/** Text trimmed and between `min` and `max` characters. */
export function trimmedText(field: string, value: string, min: number, max: number): string {
  const text = value.trim();
  if (text.length < min) throw invalidArgument(field, min === 1 ? "is required" : `must have at least ${min} characters`);
  if (text.length > max) throw invalidArgument(field, `must have at most ${max} characters`);
  return text;
}

/** A calendar date YYYY-MM-DD that exists and is not in the future; "" stays "" (unknown). */
export function optionalPastDate(field: string, value: string, today = new Date()): string {
  const text = value.trim();
  if (text === "") return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !date || date.toISOString().slice(0, 10) !== text) throw invalidArgument(field, "must be a date YYYY-MM-DD");
  if (text > today.toISOString().slice(0, 10)) throw invalidArgument(field, "must not be in the future");
  return text;
}
