import { create } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import type { ConnectError } from "@connectrpc/connect";
import { RetryInfoSchema } from "@lms/gen/google/rpc/error_details_pb";

/**
 * Adds a `google.rpc.RetryInfo` detail to `err`: gRPC clients read it from the status details,
 * and the REST face also answers it as a `Retry-After` header ({@link retryAfterSecondsOf}).
 * Whole seconds, at least 1 (HTTP's Retry-After has no fractions; 0 would invite a busy loop).
 */
export function withRetryAfter(err: ConnectError, seconds: number): ConnectError {
  const whole = Math.max(1, Math.ceil(seconds));
  err.details.push({
    desc: RetryInfoSchema,
    value: create(RetryInfoSchema, { retryDelay: create(DurationSchema, { seconds: BigInt(whole) }) }),
  });
  return err;
}

/** The retry delay an error carries, in whole seconds (rounded up), or undefined when it carries none. */
export function retryAfterSecondsOf(err: ConnectError): number | undefined {
  const [info] = err.findDetails(RetryInfoSchema);
  if (!info?.retryDelay) return undefined;
  const { seconds, nanos } = info.retryDelay;
  return Math.max(1, Math.ceil(Number(seconds) + nanos / 1e9));
}
