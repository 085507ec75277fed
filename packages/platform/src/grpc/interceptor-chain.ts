import type { Interceptor } from "@connectrpc/connect";

/** One step of a call as Connect's interceptors see it: a unary or streaming request in, its response out. */
export type CallStep = Parameters<Interceptor>[0];

/**
 * `last` behind `interceptors`, the first one outermost, as Connect's own clients and handlers
 * run them. Shared by the invoker (server side) and the grpc-js transport (client side).
 */
export function withInterceptors(interceptors: readonly Interceptor[], last: CallStep): CallStep {
  return interceptors.reduceRight((next, interceptor) => interceptor(next), last);
}
