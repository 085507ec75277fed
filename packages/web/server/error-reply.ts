// The origin's own refusals in the REST error shape of DESIGN.md §3, so a client reads an
// origin's 404 or 503 exactly as it reads a service's. Errors a service sends pass through as
// they are; these are only for what the origin itself decides.
import type { FastifyReply } from "fastify";

/** gRPC codes the origin answers with (DESIGN.md §3's table gives their HTTP status). */
export const Codes = { deadlineExceeded: 4, unimplemented: 12, internal: 13, unavailable: 14 } as const;

/** `{code, message, details}`, as every service answers a failure. */
export interface ErrorBody {
  code: number;
  message: string;
  details: Record<string, unknown>[];
}

/** Answers `status` with the DESIGN.md §3 body. */
export function sendError(reply: FastifyReply, status: number, code: number, message: string): FastifyReply {
  const body: ErrorBody = { code, message, details: [] };
  return reply.code(status).type("application/json; charset=utf-8").send(body);
}
