import { createHash } from "node:crypto";
import { Code, type ConnectError } from "@connectrpc/connect";
import { ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { etagMismatch } from "../errors/errors.js";

/** Request metadata (gRPC) / header (REST) carrying the validator a write expects (RFC 9110 §13.1.1). */
export const IF_MATCH_HEADER = "if-match";
/** Request header of a conditional GET (RFC 9110 §13.1.2). */
export const IF_NONE_MATCH_HEADER = "if-none-match";
/** Response metadata (gRPC) / header (REST) carrying a resource's validator. */
export const ETAG_HEADER = "etag";
/** ErrorInfo reason of a write whose `If-Match` no longer matches (AIP-154). */
export const ETAG_MISMATCH = "ETAG_MISMATCH";

/**
 * A strong entity tag for one version of a resource: a digest of its id and `parts` (the row's
 * `updated_at` in microseconds, as PostgreSQL stores it, and anything else that changes the
 * representation without touching `updated_at`). Quoted, as RFC 9110 writes it.
 */
export function etagOf(id: string, ...parts: (string | number)[]): string {
  const digest = createHash("sha256")
    .update([id, ...parts].join("\u0000"))
    .digest("base64url");
  return `"${digest.slice(0, 27)}"`;
}

/**
 * Checks an `If-Match` value (absent: no condition) against the resource's current tag with the
 * strong comparison RFC 9110 prescribes: `*` matches any existing resource, a weak tag never
 * matches. Throws ABORTED with reason ETAG_MISMATCH (REST 412) when no listed tag matches.
 */
export function requireIfMatch(ifMatch: string | null | undefined, current: string, resource: string): void {
  if (ifMatch === null || ifMatch === undefined) return;
  const tags = ifMatch.split(",").map((t) => t.trim());
  if (tags.includes("*") || tags.includes(current)) return;
  throw etagMismatch(`${resource} has changed since the given ETag (If-Match ${ifMatch.slice(0, 100)}); read it again`, {
    currentEtag: current,
  });
}

/** True when an `If-None-Match` value names `current` (weak comparison, RFC 9110 §13.1.2) or is `*`. */
export function ifNoneMatchHits(ifNoneMatch: string | undefined, current: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((t) => t.trim() === "*" || bare(t) === bare(current));
}

/** True for the error `requireIfMatch` throws (the REST face answers it with 412, not 409). */
export function isEtagMismatch(err: ConnectError): boolean {
  return err.code === Code.Aborted && err.findDetails(ErrorInfoSchema).some((i) => i.reason === ETAG_MISMATCH);
}
