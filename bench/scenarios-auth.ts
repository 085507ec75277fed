import { AuthService } from "@lms/gen/library/auth/v1/auth_pb";
import type { LoopClient, Outcome } from "./call-loop.js";
import { callMetadata, type GrpcCaller, grpcCallers } from "./grpc-load.js";
import { postJson } from "./http-load.js";
import type { BenchContext, Scenario } from "./scenario.js";
import { tailTarget } from "./scenario.js";
import { SERVER_KEY } from "./stack.js";
import type { Member } from "./users.js";

/**
 * An auth scenario in which client `i` acts as member `i`: logins of one email are rate
 * limited (and counted while in flight), so clients never share an email.
 */
function authScenario(id: string, name: string, rest: (m: Member) => ReturnType<typeof postJson>, call: GrpcCall): Scenario {
  return {
    id,
    name,
    unit: "req/s",
    callsPerOp: 1,
    baseline: { REST: "fastify+pg", gRPC: "connect+pg" },
    targets: (_t, clients) => tailTarget(clients),
    rest: (ctx: BenchContext) => ({
      baseUrl: ctx.stack.http.auth,
      plan: { requestsFor: (i) => [() => rest(ctx.members[i])] },
    }),
    grpc(ctx, clients): LoopClient[] {
      const metadata = callMetadata(SERVER_KEY);
      return grpcCallers(ctx.stack.grpc.auth, clients, () => metadata).map((client, i) => ({
        next: () => call(client, ctx.members[i]),
      }));
    },
  };
}

type GrpcCall = (client: GrpcCaller, member: Member) => Promise<Outcome>;

/**
 * Login (bound by argon2id at the production cost: tens of logins per second per core is
 * the expected figure, by design) and VerifyToken (an EdDSA signature check, no database).
 */
export const authScenarios: Scenario[] = [
  authScenario(
    "login",
    "Login (argon2id-bound)",
    (m) => postJson("/api/v1/auth/login", { email: m.email, password: m.password }),
    (client, m) => client.call(AuthService.method.login, { email: m.email, password: m.password }),
  ),
  authScenario(
    "verifytoken",
    "VerifyToken",
    (m) => postJson("/api/v1/auth/verify", { token: m.token }),
    (client, m) => client.call(AuthService.method.verifyToken, { token: m.token }),
  ),
];
