// Adds the access token to every call and, on a 401, lets the session recover (refresh, or a
// sign-in dialog over the current page) before retrying once — so what was typed is not lost.
import { plainTransport, type Transport } from "./client.js";

export interface AuthHooks {
  /** A valid access token (refreshed first when about to expire), or undefined when signed out. */
  accessToken(): Promise<string | undefined>;
  /**
   * Called after a 401 to the request sent with `rejected` (undefined: sent without a token):
   * resolves true when a retry may now succeed, false when the person gave up.
   */
  recover(rejected: string | undefined): Promise<boolean>;
}

async function withToken(request: Request, hooks: AuthHooks): Promise<string | undefined> {
  const token = await hooks.accessToken();
  if (token) request.headers.set("authorization", `Bearer ${token}`);
  return token;
}

export function authedTransport(hooks: AuthHooks, base: Transport = plainTransport): Transport {
  return async (request) => {
    // Kept before the first send consumes the body, for the one retry.
    const spare = request.clone();
    const sent = await withToken(request, hooks);
    const first = await base(request);
    if (first.status !== 401) return first;
    if (!(await hooks.recover(sent))) return first;
    await withToken(spare, hooks);
    return base(spare);
  };
}
