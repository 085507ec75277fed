import type { Interceptor, Transport } from "@connectrpc/connect";
import { createInvoker, type ServiceBinding } from "../grpc/invoker.js";
import { createInvokerTransport } from "../grpc/invoker-transport.js";

/**
 * A transport for typed clients of specs: `bindings` behind `interceptors`, called through the
 * invoker both faces of a service use (no router transport of the spec's own).
 */
export function invokerTransport(bindings: ServiceBinding[], interceptors: Interceptor[]): Transport {
  return createInvokerTransport(createInvoker(bindings, interceptors));
}
