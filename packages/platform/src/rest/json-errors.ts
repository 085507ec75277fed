import { toJson } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema, ErrorInfoSchema, RetryInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { isEtagMismatch } from "../conditional/etag.js";
import { invalidArgument } from "../errors/errors.js";
import { httpStatusOf } from "../errors/http-status.js";
import { retryAfterSecondsOf } from "../errors/retry-after.js";

/** The REST error body of DESIGN.md §3. */
export interface ErrorBody {
  code: number;
  message: string;
  details: Record<string, unknown>[];
}

const DETAIL_TYPES = [ErrorInfoSchema, BadRequestSchema, RetryInfoSchema];

/**
 * HTTP status and body for any error thrown while serving a REST call, and the seconds of its
 * `Retry-After` header when the error carries a google.rpc.RetryInfo.
 */
export function restError(err: unknown): { status: number; body: ErrorBody; retryAfterSeconds?: number } {
  const ce = ConnectError.from(err);
  // Only deliberate codes keep their message; the error interceptor already turned the rest into INTERNAL.
  const message = ce.code === Code.Internal || ce.code === Code.Unknown ? "internal error" : ce.rawMessage;
  const details = DETAIL_TYPES.flatMap((schema) =>
    ce.findDetails(schema).map((d) => ({
      "@type": `type.googleapis.com/${schema.typeName}`,
      ...(toJson(schema, d, { alwaysEmitImplicit: true }) as Record<string, unknown>),
    })),
  );
  // DESIGN.md §3: ABORTED is 409, except a failed `If-Match`, which HTTP calls 412 Precondition Failed.
  const status = isEtagMismatch(ce) ? 412 : httpStatusOf(ce.code);
  return { status, body: { code: ce.code, message, details }, retryAfterSeconds: retryAfterSecondsOf(ce) };
}

/**
 * Turns a proto3-JSON decoding failure (protobuf-es throws a plain Error) into INVALID_ARGUMENT
 * naming the field, instead of the 500 it would otherwise become.
 */
export function jsonDecodeError(err: unknown): ConnectError {
  const text = err instanceof Error ? err.message : String(err);
  const unknownKey = /key "([^"]+)" is unknown/.exec(text);
  if (unknownKey) return invalidArgument(unknownKey[1], "unknown field");
  const field = /cannot decode field [\w.]+\.(\w+) from JSON: (.*)$/.exec(text);
  if (field) return invalidArgument(snakeToCamel(field[1]), `invalid value: ${field[2]}`);
  return invalidArgument("body", "not a valid request message");
}

function snakeToCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}
