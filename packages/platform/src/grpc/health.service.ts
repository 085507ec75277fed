import { create } from "@bufbuild/protobuf";
import { Health, HealthCheckResponse_ServingStatus, HealthCheckResponseSchema } from "@lms/gen/grpc/health/v1/health_pb";
import { bindService, type ServiceBinding } from "./invoker.js";

/**
 * The standard `grpc.health.v1.Health` service (no server key needed). The overall status
 * ("") and each of `services` are SERVING while `isReady()` answers true.
 */
export function healthService(services: string[], isReady: () => Promise<boolean>): ServiceBinding {
  const known = new Set(["", ...services]);
  const statusOf = async (service: string) => {
    if (!known.has(service)) return HealthCheckResponse_ServingStatus.SERVICE_UNKNOWN;
    return (await isReady()) ? HealthCheckResponse_ServingStatus.SERVING : HealthCheckResponse_ServingStatus.NOT_SERVING;
  };
  return bindService(Health, {
    async check(req) {
      return create(HealthCheckResponseSchema, { status: await statusOf(req.service) });
    },
    async *watch(req, ctx) {
      yield create(HealthCheckResponseSchema, { status: await statusOf(req.service) });
      // Watch streams changes; ours only changes at shutdown, so hold the stream open until the client leaves.
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
    },
  });
}
