/** A tiny JSON-over-HTTP helper for specs: status, parsed body and headers of one call. */
export interface RestResult<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** Calls `method path` on `baseUrl` with an optional JSON body and bearer token. */
export async function rest<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  opts: { body?: unknown; token?: string; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<RestResult<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers["content-type"] ??= "application/json";
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, headers: res.headers };
}
