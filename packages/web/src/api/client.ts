// The typed REST client: openapi-fetch over the generated paths. Screens call `call(api.GET(...))`
// and get the data or an ApiError with sentences; the transport decides about tokens.
import createClient, { type Client } from "openapi-fetch";
import { ApiError } from "./errors.js";
import type { ApiPaths } from "./types.js";

export type Api = Client<ApiPaths>;
/** What actually sends a request: plain fetch, or fetch with the session's token (authed-transport). */
export type Transport = (request: Request) => Promise<Response>;

/** fetch looked up at call time, so the one at the network boundary (or a test's fake) is used. */
export const plainTransport: Transport = (request) => globalThis.fetch(request);

export function createApi(transport: Transport = plainTransport): Api {
  // Same origin: the web server (or Vite's dev proxy) forwards /api/v1 to the owning service.
  return createClient<ApiPaths>({ baseUrl: globalThis.location.origin, fetch: transport });
}

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The body of a successful call; anything else becomes an ApiError carrying words for people. */
export async function call<T>(pending: Promise<Result<T>>): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok || error !== undefined) throw new ApiError(response.status, error);
  return data as T;
}

/** A fresh Idempotency-Key (DESIGN §8) for one user action: a retried request reuses it, a new click does not. */
export function idempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}
