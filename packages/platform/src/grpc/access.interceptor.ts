import type { Interceptor } from "@connectrpc/connect";
import { type AccessRule, bearerTokenKey, isLibrarian, principalKey } from "../auth/principal.js";
import type { TokenVerifier } from "../auth/token-verifier.js";
import { permissionDenied, unauthenticated } from "../errors/errors.js";

/** Access rule per method name (`GetBook`), kept beside each service's handlers. */
export type AccessTable = Readonly<Record<string, AccessRule>>;

/**
 * Enforces each method's access rule (STYLE.md rule 9): verifies the bearer token when one is
 * sent (a bad token is refused even on open methods, so clients learn it is bad), puts the
 * caller in the context, and refuses methods missing from the tables (fail closed).
 */
export function createAccessInterceptor(tables: Readonly<Record<string, AccessTable>>, verifier: TokenVerifier): Interceptor {
  return (next) => async (req) => {
    if (req.service.typeName === "grpc.health.v1.Health") return next(req);
    const rule = tables[req.service.typeName]?.[req.method.name];
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
