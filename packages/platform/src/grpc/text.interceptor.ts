import type { DescMessage, Message } from "@bufbuild/protobuf";
import type { Interceptor } from "@connectrpc/connect";
import { invalidArguments } from "../errors/errors.js";
import { textViolations } from "../validation/text-walker.js";

/**
 * Refuses, before the handler runs, any request with a string PostgreSQL cannot store as text
 * (a NUL character, a lone surrogate) with one INVALID_ARGUMENT naming every such field
 * (DESIGN.md §3: client input is never a 500). One check at the edge, for every method of
 * every service and both faces, instead of a rule per field in each handler.
 */
export function createTextInterceptor(): Interceptor {
  return (next) => async (req) => {
    if (!req.stream) {
      refuseBadText(req.method.input, req.message);
      return next(req);
    }
    return next({ ...req, message: checked(req.method.input, req.message) });
  };
}

function refuseBadText(desc: DescMessage, message: Message): void {
  const violations = textViolations(desc, message);
  if (violations.length > 0) throw invalidArguments(violations);
}

async function* checked<T>(desc: DescMessage, messages: AsyncIterable<T>): AsyncIterable<T> {
  for await (const message of messages) {
    refuseBadText(desc, message as unknown as Message);
    yield message;
  }
}
