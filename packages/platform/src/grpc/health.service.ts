import { create } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import { Health, HealthCheckResponse_ServingStatus, HealthCheckResponseSchema } from "@lms/gen/grpc/health/v1/health_pb";

/**
 * The standard `grpc.health.v1.Health` service (no server key needed). The overall status
 * ("") and each of `services` are SERVING while `isReady()` answers true.
 */
export function registerHealthService(router: ConnectRouter, services: string[], isReady: () => Promise<boolean>): void {
  const known = new Set(["", ...services]);
  const statusOf = async (service: string) => {
    if (!known.has(service)) return HealthCheckResponse_ServingStatus.SERVICE_UNKNOWN;
    return (await isReady()) ? HealthCheckResponse_ServingStatus.SERVING : HealthCheckResponse_ServingStatus.NOT_SERVING;
  };
  router.service(Health, {
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
