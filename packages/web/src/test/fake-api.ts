// A fake of the REST API at the network boundary (global fetch): routes by method and path
// template, records every request, and implements the auth service's token rules — rotation and
// reuse detection — so session behaviour is checked against the real contract (DESIGN §4, §5).

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}

export type Handler = (req: Recorded, params: Record<string, string>) => Response | Promise<Response>;

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

/** A REST error body of DESIGN §3, optionally with an ErrorInfo reason. */
export function apiError(status: number, code: number, message: string, reason?: string): Response {
  const details = reason ? [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason, domain: "library.book.v1", metadata: {} }] : [];
  return json(status, { code, message, details });
}

function b64url(value: unknown): string {
  return btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export type FakeRole = "ROLE_MEMBER" | "ROLE_LIBRARIAN" | "ROLE_ADMIN";

/** An access token with the service's claims (unsigned: the app only reads claims). */
export function accessToken(user: { id: string; email: string; role: FakeRole }, serial: number): string {
  const claims = {
    sub: user.id,
    email: user.email,
    role: user.role,
    iss: "library-auth",
    aud: "library",
    exp: 4_000_000_000,
    jti: `a${serial}`,
  };
  return `${b64url({ alg: "EdDSA", typ: "JWT" })}.${b64url(claims)}.sig${serial}`;
}

export class FakeApi {
  readonly requests: Recorded[] = [];
  readonly users = new Map<string, { id: string; email: string; password: string; role: FakeRole }>();
  /** Refresh tokens still valid, and those already presented once (for reuse detection). */
  readonly validRefresh = new Map<string, string>();
  readonly usedRefresh = new Set<string>();
  readonly validAccess = new Set<string>();
  reuseDetected = 0;
  private serial = 0;
  private readonly routes: { method: string; pattern: RegExp; names: string[]; handler: Handler }[] = [];

  constructor() {
    this.on("POST", "/api/v1/auth/login", (req) => this.login(req.body));
    this.on("POST", "/api/v1/auth/refresh", (req) => this.refresh(req.body));
    this.on("POST", "/api/v1/auth/logout", (req) => {
      const token = (req.body as { refreshToken?: string }).refreshToken ?? "";
      this.validRefresh.delete(token);
      return json(200, {});
    });
  }

  addUser(email: string, password: string, role: FakeRole = "ROLE_MEMBER"): string {
    const id = `user-${this.users.size + 1}`;
    this.users.set(email, { id, email, password, role });
    return id;
  }

  /** Adds (or, for the same route, replaces) a handler; `{name}` segments become params. */
  on(method: string, template: string, handler: Handler): this {
    const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "");
    const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, "([^/]+)")}$`);
    const existing = this.routes.findIndex((r) => r.method === method && r.pattern.source === pattern.source);
    if (existing >= 0) this.routes.splice(existing, 1);
    this.routes.push({ method, pattern, names, handler });
    return this;
  }

  /** Ends every access token issued so far, as expiry or a key rotation would. */
  expireAccessTokens(): void {
    this.validAccess.clear();
  }

  /** True when the request carried an access token this server issued and still accepts. */
  authorized(req: Recorded): boolean {
    return this.validAccess.has(req.headers.get("authorization")?.replace(/^Bearer /, "") ?? "");
  }

  pairFor(email: string) {
    const user = this.users.get(email);
    if (!user) throw new Error(`no fake user ${email}`);
    this.serial += 1;
    const access = accessToken(user, this.serial);
    const refresh = `r${this.serial}`;
    this.validAccess.add(access);
    this.validRefresh.set(refresh, email);
    return { accessToken: access, refreshToken: refresh, tokenType: "Bearer", expiresIn: 900, refreshExpiresIn: 604800 };
  }

  private login(body: unknown): Response {
    const { email, password } = body as { email: string; password: string };
    const user = this.users.get(email);
    if (!user || user.password !== password) return apiError(401, 16, "Wrong email or password.");
    return json(200, this.pairFor(email));
  }

  private async refresh(body: unknown): Promise<Response> {
    const token = (body as { refreshToken: string }).refreshToken;
    // A network round trip: lets two racing tabs both be "in flight", as in a browser.
    await new Promise((r) => setTimeout(r, 5));
    if (this.usedRefresh.has(token)) {
      this.reuseDetected += 1;
      this.validRefresh.clear();
      return apiError(401, 16, "Refresh token reused.", "REFRESH_TOKEN_REUSED");
    }
    const email = this.validRefresh.get(token);
    if (!email) return apiError(401, 16, "Refresh token is not valid.");
    this.validRefresh.delete(token);
    this.usedRefresh.add(token);
    return json(200, this.pairFor(email));
  }

  /** The fake `fetch`. */
  fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const text = await request.text();
    const recorded: Recorded = {
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body: text ? JSON.parse(text) : undefined,
    };
    this.requests.push(recorded);
    for (const route of this.routes) {
      const match = route.method === request.method ? route.pattern.exec(url.pathname) : null;
      if (match) return route.handler(recorded, Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match[i + 1] ?? "")])));
    }
    return apiError(404, 12, `No fake route for ${request.method} ${url.pathname}.`);
  };

  /** Requests to `path` (exact), optionally of one method. */
  calls(path: string, method?: string): Recorded[] {
    return this.requests.filter((r) => r.path === path && (!method || r.method === method));
  }
}
