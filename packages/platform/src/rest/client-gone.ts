import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * An abort signal for a REST call that fires when its client goes away before the answer is
 * written (the socket closed: the client gave up, a proxy timed out), so queued or long work
 * done for it can be dropped. Made only when a handler asks for it (most never do); the
 * listener goes with the response.
 */
export function clientGoneSignal(req: FastifyRequest, reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const response = reply.raw;
  const gone = () => new Error("the client closed the connection before the answer");
  if (req.raw.destroyed || req.raw.socket?.destroyed) controller.abort(gone());
  else {
    response.once("close", () => {
      // "close" also follows a completed answer; only an unfinished one means the client left.
      if (!response.writableFinished) controller.abort(gone());
    });
  }
  return controller.signal;
}
