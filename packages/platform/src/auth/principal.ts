import { createContextKey } from "@connectrpc/connect";

/** Roles in increasing power, as named in the auth proto. */
export const ROLES = ["ROLE_MEMBER", "ROLE_LIBRARIAN", "ROLE_ADMIN"] as const;
export type RoleName = (typeof ROLES)[number];

/** The verified caller of a request, from its access token. */
export interface Principal {
  userId: string;
  email: string;
  role: RoleName;
}

/** Where the auth interceptor leaves the caller; undefined for an anonymous call. */
export const principalKey = createContextKey<Principal | undefined>(undefined, { description: "principal" });

/** The bearer token of the call, so a service can forward it on calls made on the user's behalf. */
export const bearerTokenKey = createContextKey<string | undefined>(undefined, { description: "bearer token" });

/** True when `role` is at least a librarian. */
export function isLibrarian(role: RoleName): boolean {
  return role === "ROLE_LIBRARIAN" || role === "ROLE_ADMIN";
}
