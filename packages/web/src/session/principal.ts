// Who is signed in, read from the access token's claims (DESIGN §5): what the nav and pages show.

export type Role = "member" | "librarian" | "admin";

export interface Principal {
  userId: string;
  email: string;
  role: Role;
}

const RANK: Record<Role, number> = { member: 1, librarian: 2, admin: 3 };

/** True when `principal` has at least `required` (admin ⊇ librarian ⊇ member). */
export function hasRole(principal: Principal | undefined, required: Role): boolean {
  return principal !== undefined && RANK[principal.role] >= RANK[required];
}

function roleFromClaim(claim: unknown): Role | undefined {
  if (claim === "ROLE_ADMIN") return "admin";
  if (claim === "ROLE_LIBRARIAN") return "librarian";
  if (claim === "ROLE_MEMBER") return "member";
  return undefined;
}

function base64UrlJson(part: string): unknown {
  const b64 = part.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/**
 * The principal named by an access token. The signature is not checked here (the services do
 * that); the claims only decide what the interface offers.
 */
export function principalFromToken(token: string): Principal | undefined {
  try {
    const claims = base64UrlJson(token.split(".")[1] ?? "") as Record<string, unknown>;
    const role = roleFromClaim(claims.role);
    if (typeof claims.sub !== "string" || typeof claims.email !== "string" || !role) return undefined;
    return { userId: claims.sub, email: claims.email, role };
  } catch {
    return undefined;
  }
}
