// Which service owns a REST path: the one table shared by the Vite dev proxy and the forwarding
// origin server (packages/web/server). Plain TypeScript, no DOM, no Node APIs, so both can import it.
// The spec checks it against every path of api/openapi/*.json, so a new resource cannot be forgotten.

export type ServiceName = "auth" | "author" | "category" | "book";

/** REST prefix of every public method (DESIGN §4). */
export const API_PREFIX = "/api/v1/";

/** First path segment after /api/v1/ → owning service. */
export const SERVICE_BY_SEGMENT: Readonly<Record<string, ServiceName>> = Object.freeze({
  auth: "auth",
  users: "auth",
  authors: "author",
  categories: "category",
  items: "category",
  books: "book",
  copies: "book",
  barcodes: "book",
  loans: "book",
  "loan-policies": "book",
  circulation: "book",
});

/** Default HTTP ports of `make run` (DESIGN §1). */
export const DEFAULT_SERVICE_PORTS: Readonly<Record<ServiceName, number>> = Object.freeze({
  auth: 8081,
  author: 8082,
  category: 8083,
  book: 8084,
});

/**
 * The service that owns `path` (a URL path, query string allowed), or undefined when the path is
 * not under /api/v1/ or names no known resource.
 */
export function serviceForPath(path: string): ServiceName | undefined {
  if (!path.startsWith(API_PREFIX)) return undefined;
  const segment = path.slice(API_PREFIX.length).split(/[/?#]/, 1)[0] ?? "";
  return Object.hasOwn(SERVICE_BY_SEGMENT, segment) ? SERVICE_BY_SEGMENT[segment] : undefined;
}
