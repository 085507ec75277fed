import { createHash } from "node:crypto";
import { type DescMethod, type Message, toBinary } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import { principalKey } from "../auth/principal.js";
import { invalidArgument } from "../errors/errors.js";

/** Request header (REST) / metadata (gRPC) naming a retryable write (IETF draft `Idempotency-Key`, DESIGN.md §8). */
export const IDEMPOTENCY_KEY_HEADER = "idempotency-key";
/** Response header / metadata of an answer given again for a key already used: `true`. */
export const IDEMPOTENCY_REPLAYED_HEADER = "idempotency-replayed";
/** The field a malformed or reused key is reported on (the REST header's name). */
export const IDEMPOTENCY_KEY_FIELD = "Idempotency-Key";
/** INVALID_ARGUMENT reason: the key was used before, with another request. */
export const IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED";
/** ABORTED reason: the first request with this key is still running. */
export const IDEMPOTENCY_KEY_IN_USE = "IDEMPOTENCY_KEY_IN_USE";
/** How long a key's first answer is given again (DESIGN.md §8: 24 h). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

const MAX_KEY_LENGTH = 255;
// Visible ASCII only: no spaces, controls or commas-with-spaces of a header sent twice.
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * The call's idempotency key, or undefined when it sent none (the call then runs as without
 * the mechanism). The draft's structured-field form `"abc"` and the bare `abc` are the same key.
 * A key that is empty, longer than 255 or not visible ASCII (a header sent twice arrives joined
 * by ", ") is refused: INVALID_ARGUMENT on field `Idempotency-Key`.
 */
export function idempotencyKeyOf(header: Headers): string | undefined {
  const raw = header.get(IDEMPOTENCY_KEY_HEADER);
  if (raw === null) return undefined;
  const key = unquoted(raw);
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !VISIBLE_ASCII.test(key)) {
    throw invalidArgument(IDEMPOTENCY_KEY_FIELD, `must be 1 to ${MAX_KEY_LENGTH} visible ASCII characters`);
  }
  return key;
}

/** An RFC 8941 sf-string's content (`\"` and `\\` unescaped); any other value as it is. */
function unquoted(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  return value.slice(1, -1).replace(/\\(["\\])/g, "$1");
}

/**
 * Whose key it is: keys are scoped to their sender, so two users' equal keys never meet.
 * `user:<id>` of the verified token, or `service` for a peer's call made with the server key.
 */
export function idempotencyCallerOf(ctx: HandlerContext): string {
  const principal = ctx.values.get(principalKey);
  return principal ? `user:${principal.userId}` : "service";
}

/**
 * What identifies a request: sha-256 of the method's full name and the request message's
 * binary encoding (deterministic in protobuf-es: fields in number order), so the same request
 * sent over REST or gRPC has one fingerprint, and any other field value, or another method, another.
 */
export function requestFingerprint(method: DescMethod, request: Message): Buffer {
  return createHash("sha256").update(methodName(method)).update("\u0000").update(toBinary(method.input, request)).digest();
}

/** `package.Service/Method`, as gRPC paths name it. */
export function methodName(method: DescMethod): string {
  return `${method.parent.typeName}/${method.name}`;
}

/**
 * The advisory-lock key of (caller, key): the first 8 bytes of their sha-256 as a signed
 * bigint (decimal text for `pg`). The one-argument lock space is apart from the two-argument
 * one the borrower locks use; two different keys sharing a lock key (a 2^-64 chance) would only
 * make one of them answer IDEMPOTENCY_KEY_IN_USE while the other runs.
 */
export function lockKeyOf(caller: string, key: string): string {
  return createHash("sha256").update(caller).update("\u0000").update(key).digest().readBigInt64BE(0).toString();
}
