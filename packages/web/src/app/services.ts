// Everything the screens share, built once at start-up (main.tsx) or per test with fakes.
import { QueryClient } from "@tanstack/react-query";
import { authedTransport } from "../api/authed-transport.js";
import { type Api, createApi } from "../api/client.js";
import { ApiError } from "../api/errors.js";
import { type AuthCalls, restAuthCalls } from "../session/auth-calls.js";
import { Session } from "../session/session.js";
import { SignInPrompt } from "../session/sign-in-prompt.js";
import { browserTabSync, type TabSync } from "../session/tab-sync.js";

export interface AppServices {
  session: Session;
  /** Calls with the session's token; a 401 refreshes or asks to sign in, then retries once. */
  api: Api;
  auth: AuthCalls;
  signIn: SignInPrompt;
  queryClient: QueryClient;
}

export interface ServiceOptions {
  storage?: Storage;
  tabs?: TabSync;
}

function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // A refusal will not change by asking again; a lost connection might.
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
}

export function createAppServices(options: ServiceOptions = {}): AppServices {
  const auth = restAuthCalls();
  const session = new Session({ auth, storage: options.storage ?? globalThis.localStorage, tabs: options.tabs ?? browserTabSync() });
  const signIn = new SignInPrompt();
  const api = createApi(
    authedTransport({
      accessToken: () => session.accessToken(),
      recover: async (rejected) => (session.hasStoredLogin && (await session.refresh(rejected))) || signIn.open(),
    }),
  );
  return { session, api, auth, signIn, queryClient: createQueryClient() };
}
