import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { databaseUnavailableCause } from "../db/database-unavailable.js";
import type { Logger } from "../observability/logger.js";
import { refusedTextError } from "./pg-input-error.js";

/** Codes a handler may give on purpose; anything else is a bug and becomes INTERNAL. */
const DELIBERATE = new Set<Code>([
  Code.Canceled,
  Code.InvalidArgument,
  Code.DeadlineExceeded,
  Code.NotFound,
  Code.AlreadyExists,
  Code.PermissionDenied,
  Code.ResourceExhausted,
  Code.FailedPrecondition,
  Code.Aborted,
  Code.OutOfRange,
  Code.Unimplemented,
  Code.Unavailable,
  Code.Unauthenticated,
]);

/**
 * Maps every failure once (STYLE.md rule 6): deliberate errors pass through with their
 * ErrorInfo domain set to the service's proto package; a database that is down, silent, full or
 * too slow (see {@link databaseUnavailableCause}) becomes UNAVAILABLE "database unavailable"
 * with one short warn line (an outage fails every request: a stack each would drown the log);
 * anything else is logged with its cause and answered as INTERNAL with a generic message, so no
 * SQL or stack ever leaks.
 */
export function createErrorInterceptor(log: Logger): Interceptor {
  return (next) => async (req) => {
    const mapped = (err: unknown) => {
      if (err instanceof ConnectError && DELIBERATE.has(err.code)) {
        fillDomain(err, req.service.typeName.replace(/\.[^.]+$/, ""));
        return err;
      }
      const refusedText = refusedTextError(err);
      if (refusedText) return refusedText;
      const dbCause = databaseUnavailableCause(err);
      if (dbCause !== undefined) {
        log.warn({ procedure: req.method.name, cause: dbCause }, "database unavailable");
        return new ConnectError("database unavailable", Code.Unavailable);
      }
      log.error({ err, procedure: req.method.name }, "unexpected error");
      return new ConnectError("internal error", Code.Internal);
    };
    try {
      const res = await next(req);
      // A stream can still fail after it started: its later failures are mapped the same way.
      return res.stream ? { ...res, message: mappingFailures(res.message, mapped) } : res;
    } catch (err) {
      throw mapped(err);
    }
  };
}

async function* mappingFailures<T>(messages: AsyncIterable<T>, mapped: (err: unknown) => ConnectError): AsyncIterable<T> {
  try {
    yield* messages;
  } catch (err) {
    throw mapped(err);
  }
}

function fillDomain(err: ConnectError, domain: string): void {
  for (const detail of err.details) {
    if ("desc" in detail && detail.desc.typeName === ErrorInfoSchema.typeName) {
      const info = detail.value as { domain: string };
      if (!info.domain) info.domain = domain;
    }
  }
}
