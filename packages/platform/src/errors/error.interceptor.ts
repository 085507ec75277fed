import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import type { Logger } from "../observability/logger.js";

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
 * ErrorInfo domain set to the service's proto package; anything else is logged with its
 * cause and answered as INTERNAL with a generic message, so no SQL or stack ever leaks.
 */
export function createErrorInterceptor(log: Logger): Interceptor {
  return (next) => async (req) => {
    try {
      return await next(req);
    } catch (err) {
      if (err instanceof ConnectError && DELIBERATE.has(err.code)) {
        fillDomain(err, req.service.typeName.replace(/\.[^.]+$/, ""));
        throw err;
      }
      log.error({ err, procedure: req.method.name }, "unexpected error");
      throw new ConnectError("internal error", Code.Internal);
    }
  };
}

function fillDomain(err: ConnectError, domain: string): void {
  for (const detail of err.details) {
    if ("desc" in detail && detail.desc.typeName === ErrorInfoSchema.typeName) {
      const info = detail.value as { domain: string };
      if (!info.domain) info.domain = domain;
    }
  }
}
