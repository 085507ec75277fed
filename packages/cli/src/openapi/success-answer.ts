// What a method's success answer looks like on REST, for both OpenAPI generators: its status
// and its headers (DESIGN.md §2: 201 + Location on creates, ETag on single resources, If-Match
// on their writes, Idempotency-Replayed on idempotent methods).

import { IDEMPOTENCY_REPLAYED_NOTE, isIdempotent } from "./idempotent-methods.js";

/** Methods that answer 201 Created (with a Location header) instead of 200 (DESIGN.md §2). */
const CREATED_METHODS: ReadonlySet<string> = new Set<string>(["Register", "CreateAuthor", "CreateCategory", "CreateBook"]);

/** Methods whose answer carries an `ETag` (a single resource: a catalogue entry, a user, a copy). */
export const ETAG_METHODS = /^((Get|Create|Update|Patch)(Author|Category|Book)|(Get|Update)User|UpdateCopy)$/;
/** Methods that take `If-Match` (AIP-154: 412 and nothing changed when it no longer matches). */
export const IF_MATCH_METHODS = /^((Update|Patch|Delete)(Author|Category|Book)|UpdateUser|UpdateCopy)$/;

/** The HTTP status of a method's success answer. */
export function successStatus(method: string): "200" | "201" {
  return CREATED_METHODS.has(method) ? "201" : "200";
}

/**
 * The headers of a method's success answer, name → description: Location on a 201, ETag on a
 * single resource, Idempotency-Replayed on a method taking an Idempotency-Key. Both OpenAPI generators read it (each in its own header shape).
 */
export function successHeaderNotes(method: string): Record<string, string> {
  const notes: Record<string, string> = {};
  if (successStatus(method) === "201") notes.Location = "Path of the new resource.";
  if (ETAG_METHODS.test(method)) notes.ETag = "Validator for If-Match and If-None-Match.";
  if (isIdempotent(method)) notes[IDEMPOTENCY_REPLAYED_NOTE.name] = IDEMPOTENCY_REPLAYED_NOTE.description;
  return notes;
}
