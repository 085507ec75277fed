import { create, type DescMessage, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema, ErrorInfoSchema, RetryInfoSchema } from "@lms/gen/google/rpc/error_details_pb";

/**
 * Refusals a retry would get again for the same request and the same state: they are recorded
 * with the key, so a retry is answered the same refusal even if the state changed meanwhile
 * (a copy came back). ABORTED, UNAVAILABLE, DEADLINE_EXCEEDED, CANCELED, RESOURCE_EXHAUSTED and
 * INTERNAL are not: they say "try again", and a retry runs afresh. Nor are UNAUTHENTICATED and
 * PERMISSION_DENIED: they are about the caller's token, which a retry may bring renewed.
 */
const RECORDED_CODES: ReadonlySet<Code> = new Set([
  Code.InvalidArgument,
  Code.NotFound,
  Code.AlreadyExists,
  Code.FailedPrecondition,
  Code.OutOfRange,
]);

/** Detail types given back as typed messages on replay (the error interceptor fills their ErrorInfo domain again). */
const DETAIL_SCHEMAS: readonly DescMessage[] = [ErrorInfoSchema, BadRequestSchema, RetryInfoSchema];

/** A refusal as the key's row keeps it (jsonb): code, message and details (type name, base64 bytes). */
export interface StoredRefusal {
  code: number;
  message: string;
  details: { type: string; value: string }[];
}

/** `err` when it is a refusal to record with its key (see RECORDED_CODES), else undefined. */
export function recordedRefusal(err: unknown): ConnectError | undefined {
  return err instanceof ConnectError && RECORDED_CODES.has(err.code) ? err : undefined;
}

/** The refusal as stored; its message and every detail, byte for byte. */
export function encodeRefusal(err: ConnectError): StoredRefusal {
  return {
    code: err.code,
    message: err.rawMessage,
    details: err.details.map((d) =>
      "desc" in d
        ? { type: d.desc.typeName, value: Buffer.from(toBinary(d.desc, create(d.desc, d.value))).toString("base64") }
        : { type: d.type, value: Buffer.from(d.value).toString("base64") },
    ),
  };
}

/** The stored refusal as the error to throw again, with `metadata` (the replay mark). */
export function decodeRefusal(stored: StoredRefusal, metadata: Record<string, string>): ConnectError {
  const err = new ConnectError(stored.message, stored.code as Code, metadata);
  for (const { type, value } of stored.details) {
    const bytes = Buffer.from(value, "base64");
    const schema = DETAIL_SCHEMAS.find((s) => s.typeName === type);
    err.details.push(schema ? { desc: schema, value: fromBinary(schema, bytes) } : { type, value: bytes });
  }
  return err;
}
