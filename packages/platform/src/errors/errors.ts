import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequest_FieldViolationSchema, BadRequestSchema, ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";

/**
 * The closed error vocabulary (STYLE.md rule 5). Every refusal a service gives is made by
 * one of these factories, so its gRPC code, its REST status and its details are decided once.
 * `domain` in an ErrorInfo is left empty here and filled with the service's proto package by
 * the error interceptor.
 */

/** A field of the request is missing or malformed (400, google.rpc.BadRequest naming it). */
export function invalidArgument(field: string, description: string): ConnectError {
  const detail = create(BadRequestSchema, {
    fieldViolations: [create(BadRequest_FieldViolationSchema, { field, description })],
  });
  return new ConnectError(`${field}: ${description}`, Code.InvalidArgument, undefined, [{ desc: BadRequestSchema, value: detail }]);
}

/** Several fields are malformed (400): one google.rpc.BadRequest naming each, as DESIGN.md §3 asks. */
export function invalidArguments(violations: readonly { field: string; description: string }[]): ConnectError {
  const detail = create(BadRequestSchema, {
    fieldViolations: violations.map((v) => create(BadRequest_FieldViolationSchema, v)),
  });
  const message = violations.map((v) => `${v.field}: ${v.description}`).join("; ");
  return new ConnectError(message, Code.InvalidArgument, undefined, [{ desc: BadRequestSchema, value: detail }]);
}

/** No entity of that kind has that id (404); with `reason`, an ErrorInfo names the rule (e.g. USER_NOT_FOUND). */
export function notFound(entity: string, id: string, reason?: string, metadata: Record<string, string> = {}): ConnectError {
  const message = `${entity} ${id} not found`;
  return reason ? withErrorInfo(Code.NotFound, reason, message, metadata) : new ConnectError(message, Code.NotFound);
}

/** A unique value is taken (409); with `reason`, an ErrorInfo tells clients which rule and `metadata` which values. */
export function alreadyExists(message: string, reason?: string, metadata: Record<string, string> = {}): ConnectError {
  return reason ? withErrorInfo(Code.AlreadyExists, reason, message, metadata) : new ConnectError(message, Code.AlreadyExists);
}

/** A business rule refuses the request (400); `reason` is one of DESIGN.md §3's reasons. */
export function failedPrecondition(reason: string, message: string, metadata: Record<string, string> = {}): ConnectError {
  return withErrorInfo(Code.FailedPrecondition, reason, message, metadata);
}

/** No, missing or bad credentials (401). */
export function unauthenticated(message: string, reason?: string): ConnectError {
  return reason ? withErrorInfo(Code.Unauthenticated, reason, message, {}) : new ConnectError(message, Code.Unauthenticated);
}

/** Valid credentials, insufficient role (403). */
export function permissionDenied(message: string): ConnectError {
  return new ConnectError(message, Code.PermissionDenied);
}

/** Too many attempts (429). */
export function resourceExhausted(message: string, metadata: Record<string, string> = {}): ConnectError {
  return withErrorInfo(Code.ResourceExhausted, "RATE_LIMITED", message, metadata);
}

/** A dependency (service or database) does not answer (503). */
export function unavailable(message: string): ConnectError {
  return new ConnectError(message, Code.Unavailable);
}

/** A concurrent modification won (409). */
export function aborted(message: string): ConnectError {
  return new ConnectError(message, Code.Aborted);
}

/** A write's `If-Match` no longer matches the resource (ABORTED, reason ETAG_MISMATCH, AIP-154; REST 412). */
export function etagMismatch(message: string, metadata: Record<string, string> = {}): ConnectError {
  return withErrorInfo(Code.Aborted, "ETAG_MISMATCH", message, metadata);
}

/**
 * `err` with a google.rpc.ErrorInfo naming `reason` added, for a refusal whose code has no
 * factory with a reason of its own (e.g. INVALID_ARGUMENT `IDEMPOTENCY_KEY_REUSED`, which also
 * names its field). Returns `err`.
 */
export function withReason(err: ConnectError, reason: string, metadata: Record<string, string> = {}): ConnectError {
  err.details.push({ desc: ErrorInfoSchema, value: create(ErrorInfoSchema, { reason, domain: "", metadata }) });
  return err;
}

function withErrorInfo(code: Code, reason: string, message: string, metadata: Record<string, string>): ConnectError {
  const info = create(ErrorInfoSchema, { reason, domain: "", metadata });
  return new ConnectError(message, code, undefined, [{ desc: ErrorInfoSchema, value: info }]);
}
