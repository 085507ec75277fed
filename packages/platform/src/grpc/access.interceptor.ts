import type { DescService } from "@bufbuild/protobuf";
import type { Interceptor } from "@connectrpc/connect";
import { http } from "@lms/gen/google/api/annotations_pb";
import { rule as ruleOption } from "@lms/gen/library/access/v1/access_pb";
import { accessRulesOf } from "../auth/access-rule.js";
import { bearerTokenKey, isLibrarian, principalKey } from "../auth/principal.js";
import type { TokenVerifier } from "../auth/token-verifier.js";
import { permissionDenied, unauthenticated } from "../errors/errors.js";

/**
 * Enforces each method's `(library.access.v1.rule)` proto option, the one place a rule is
 * declared: verifies the bearer token when one is sent (a bad token is refused even on open
 * methods, so clients learn it is bad), puts the caller in the context, and refuses methods of
 * any other service (fail closed). Throws at construction, so the service never starts, when a
 * method of `services` declares no rule or a `service` method has a REST route. The health
 * service needs no rule and no token.
 */
export function createAccessInterceptor(services: readonly DescService[], verifier: TokenVerifier): Interceptor {
  const rules = accessRulesOf(services, ruleOption, http);
  return (next) => async (req) => {
    if (req.service.typeName === "grpc.health.v1.Health") return next(req);
    const rule = rules.get(`${req.service.typeName}/${req.method.name}`);
    if (!rule) throw permissionDenied(`no access rule for ${req.method.name}`);
    const token = bearerToken(req.header.get("authorization"));
    if (token) {
      const principal = await verifier.verify(token);
      req.contextValues.set(principalKey, principal);
      req.contextValues.set(bearerTokenKey, token);
    }
    const principal = req.contextValues.get(principalKey);
    if (rule === "anyone" || rule === "service") return next(req);
    if (!principal) throw unauthenticated("missing bearer token");
    if (rule === "librarian" && !isLibrarian(principal.role)) throw permissionDenied("librarian role required");
    if (rule === "admin" && principal.role !== "ROLE_ADMIN") throw permissionDenied("admin role required");
    return next(req);
  };
}

function bearerToken(header: string | null): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw unauthenticated("authorization header must be 'Bearer <token>'");
  return m[1];
}
