import { toJson } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema, ErrorInfoSchema, RetryInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import type { FastifyReply } from "fastify";
import { isEtagMismatch } from "../conditional/etag.js";
import { httpStatusOf } from "../errors/http-status.js";
import { retryAfterSecondsOf } from "../errors/retry-after.js";
import { IDEMPOTENCY_REPLAYED_HEADER } from "../idempotency/idempotency-key.js";

/** The REST error body of DESIGN.md §3. */
export interface ErrorBody {
  code: number;
  message: string;
  details: Record<string, unknown>[];
}

const DETAIL_TYPES = [ErrorInfoSchema, BadRequestSchema, RetryInfoSchema];

/**
 * Answers a failure as every REST error is answered (DESIGN.md §3): the status from the one
 * code → status table (`errors/http-status.ts`; 412 for a failed `If-Match`, ETAG_MISMATCH),
 * the body of {@link errorBody}, `Retry-After` when the error carries a google.rpc.RetryInfo, and
 * `Idempotency-Replayed` when it is a recorded refusal given again (its metadata says so).
 * `status` is for the few refusals HTTP names more precisely than the table does: 404 / 405 for
 * paths and verbs (UNIMPLEMENTED), 413 / 414 / 415 for what Fastify refuses (INVALID_ARGUMENT).
 */
export function sendError(reply: FastifyReply, err: unknown, status?: number): FastifyReply {
  const error = ConnectError.from(err);
  const retryAfter = retryAfterSecondsOf(error);
  if (retryAfter !== undefined) reply.header("retry-after", String(retryAfter));
  // A refusal given again for a reused Idempotency-Key says so, as its success answers do.
  const replayed = error.metadata.get(IDEMPOTENCY_REPLAYED_HEADER);
  if (replayed !== null) reply.header(IDEMPOTENCY_REPLAYED_HEADER, replayed);
  // DESIGN.md §3: ABORTED is 409, except a failed `If-Match`, which HTTP calls 412 Precondition Failed.
  return reply.code(status ?? (isEtagMismatch(error) ? 412 : httpStatusOf(error.code))).send(errorBody(error));
}

/**
 * `{code, message, details}` of an error: only deliberate codes keep their message (the error
 * interceptor already turned the rest into INTERNAL), and ErrorInfo, BadRequest and RetryInfo
 * details appear as proto3 JSON with their `@type`. For answers written without a reply too
 * (what Node's HTTP parser refuses).
 */
export function errorBody(error: ConnectError): ErrorBody {
  const message = error.code === Code.Internal || error.code === Code.Unknown ? "internal error" : error.rawMessage;
  const details = DETAIL_TYPES.flatMap((schema) =>
    error.findDetails(schema).map((d) => ({
      "@type": `type.googleapis.com/${schema.typeName}`,
      ...(toJson(schema, d, { alwaysEmitImplicit: true }) as Record<string, unknown>),
    })),
  );
  return { code: error.code, message, details };
}
