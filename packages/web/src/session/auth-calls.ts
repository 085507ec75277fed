// The auth service's token methods (DESIGN §4), sent without any token: they must never go through
// the authed transport, whose 401 handling would call back into the session.
import { type Api, call, createApi } from "../api/client.js";
import type { TokenPair, User } from "../api/types.js";

export interface AuthCalls {
  login(email: string, password: string): Promise<TokenPair>;
  register(name: string, email: string, password: string): Promise<User>;
  refresh(refreshToken: string): Promise<TokenPair>;
  logout(refreshToken: string): Promise<void>;
}

export function restAuthCalls(api: Api = createApi()): AuthCalls {
  return {
    login: (email, password) => call(api.POST("/api/v1/auth/login", { body: { email, password } })),
    register: async (name, email, password) => (await call(api.POST("/api/v1/auth/register", { body: { name, email, password } }))).user,
    refresh: (refreshToken) => call(api.POST("/api/v1/auth/refresh", { body: { refreshToken } })),
    logout: async (refreshToken) => {
      await call(api.POST("/api/v1/auth/logout", { body: { refreshToken } }));
    },
  };
}
