// Which service owns a REST path, derived from the committed OpenAPI 3.1 documents (DESIGN.md §2)
// when this module loads: every path of `api/openapi/<service>.json` names its first segment after
// /api/v1/ (`books`, `loan-policies`, `users`, …), and that segment belongs to that service. A
// path added to a proto (and regenerated) therefore routes itself; a segment two documents claim
// fails at load, loudly, instead of sending requests to the wrong service.
import auth from "../../../api/openapi/auth.json" with { type: "json" };
import author from "../../../api/openapi/author.json" with { type: "json" };
import book from "../../../api/openapi/book.json" with { type: "json" };
import category from "../../../api/openapi/category.json" with { type: "json" };

/** The services behind the origin (DESIGN.md §1). */
export type ServiceName = "auth" | "author" | "category" | "book";

/** The prefix every forwarded path starts with. */
export const API_PREFIX = "/api/v1/";

const DOCUMENTS: Record<ServiceName, { paths: Record<string, unknown> }> = { auth, author, category, book };

/** The first segment after `/api/v1/` of a path (or path template); "" when the path is elsewhere. */
export function firstSegmentOf(path: string): string {
  if (!path.startsWith(API_PREFIX)) return "";
  const rest = path.slice(API_PREFIX.length);
  const end = rest.search(/[/?#]/);
  return end === -1 ? rest : rest.slice(0, end);
}

/** segment → owner for the given documents; throws when two services claim one segment. */
export function segmentTable(documents: Record<string, { paths: Record<string, unknown> }>): Map<string, string> {
  const table = new Map<string, string>();
  for (const [service, document] of Object.entries(documents)) {
    for (const template of Object.keys(document.paths)) {
      const segment = firstSegmentOf(template);
      if (segment === "" || segment.includes("{")) throw new Error(`${service}: path ${template} has no fixed segment after ${API_PREFIX}`);
      const owner = table.get(segment);
      if (owner !== undefined && owner !== service) throw new Error(`${API_PREFIX}${segment} is claimed by both ${owner} and ${service}`);
      table.set(segment, service);
    }
  }
  return table;
}

const OWNERS = segmentTable(DOCUMENTS) as Map<string, ServiceName>;

/**
 * The service that owns `path` (a request path, with or without a query), or undefined when no
 * service's document has a path under its first segment. Only the segment is looked at: the
 * owner answers for the rest (its own 404 / 405 in the error shape of DESIGN.md §3).
 */
export function serviceForPath(path: string): ServiceName | undefined {
  return OWNERS.get(firstSegmentOf(path));
}

/** Every segment and its owner, e.g. for a banner or a spec. */
export function serviceSegments(): ReadonlyMap<string, ServiceName> {
  return OWNERS;
}

/** Default HTTP ports of `make run` (DESIGN.md §1), where the Vite dev server's proxy sends each service's paths. */
export const DEFAULT_SERVICE_PORTS: Readonly<Record<ServiceName, number>> = Object.freeze({
  auth: 8081,
  author: 8082,
  category: 8083,
  book: 8084,
});
