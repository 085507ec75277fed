// Shared helpers of the staff fakes (fake-catalogue, fake-circulation): refusals as the services
// send them (DESIGN §3) and the caller's role from the token the FakeApi issued.
import { principalFromToken, type Role } from "../session/principal.js";
import { apiError, type FakeApi, json, type Recorded } from "./fake-api.js";

export const NOW = "2026-12-05T10:00:00Z";

/** 400 INVALID_ARGUMENT naming one field, as a BadRequest detail. */
export function violation(field: string, description: string): Response {
  return json(400, {
    code: 3,
    message: `invalid ${field}`,
    details: [{ "@type": "type.googleapis.com/google.rpc.BadRequest", fieldViolations: [{ field, description }] }],
  });
}

/** 400 FAILED_PRECONDITION with an ErrorInfo reason. */
export function refusal(reason: string, message = reason.toLowerCase()): Response {
  return apiError(400, 9, message, reason);
}

export function notFound(what: string): Response {
  return apiError(404, 5, `${what} not found`);
}

/** undefined when the caller holds a valid token of at least `role`; else the 401/403 to answer. */
export function denied(api: FakeApi, req: Recorded, role: Role = "librarian"): Response | undefined {
  if (!api.authorized(req)) return apiError(401, 16, "missing or invalid token");
  const principal = principalFromToken(req.headers.get("authorization")?.replace(/^Bearer /, "") ?? "");
  const rank = { member: 1, librarian: 2, admin: 3 };
  if (!principal || rank[principal.role] < rank[role]) return apiError(403, 7, "permission denied");
  return undefined;
}

let serial = 0;
export function newId(prefix: string): string {
  serial += 1;
  return `${prefix}-${serial}`;
}

export function body<T>(req: Recorded): T {
  return (req.body ?? {}) as T;
}
