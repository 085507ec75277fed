import type { RoleName } from "@lms/platform";

/** A registered account as the domain sees it (never with its password hash). */
export interface User {
  id: string;
  /** Lower case. */
  email: string;
  name: string;
  role: RoleName;
  createdAt: Date;
  /** Loan policies are chosen by it (DESIGN.md §8); `default` for a new account. */
  patronGroup: string;
  /** Library card: 10 digits, assigned at Register, never reused (see patron-fields.ts). */
  cardNumber: string;
  /** `updated_at` in microseconds since the epoch (PostgreSQL's precision), the basis of the ETag. */
  version: string;
}

/** The fields UpdateUser changes: only those present. */
export interface UserPatch {
  name?: string;
  patronGroup?: string;
}

/** A user with the argon2id hash of their password, for login only. */
export interface UserCredentials {
  user: User;
  passwordHash: string;
}

/** The fields of a new account. */
export interface NewUser {
  email: string;
  name: string;
  role: RoleName;
  passwordHash: string;
}
