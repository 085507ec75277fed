import {
  alreadyExists,
  type Executor,
  invalidArgument,
  isUniqueViolation,
  notFound,
  ROLES,
  type RoleName,
  requireUuid,
} from "@lms/platform";
import * as users from "../store/user.repository.js";
import { validEmail, validName, validNewPassword } from "./credentials.js";
import type { PasswordHasher } from "./password-hasher.js";
import type { User } from "./user.js";

const EMAIL_TAKEN_MESSAGE = "a user with this email already exists";

/** Creates a member account (Register always gives ROLE_MEMBER); a taken email is ALREADY_EXISTS. */
export async function register(
  db: Executor,
  passwords: PasswordHasher,
  input: { email: string; password: string; name: string },
): Promise<User> {
  const email = validEmail(input.email);
  const password = validNewPassword(input.password);
  const name = validName(input.name);
  // Cheap refusal before paying for argon2; the unique constraint still decides races.
  if (await users.emailExists(db, email)) throw alreadyExists(EMAIL_TAKEN_MESSAGE);
  const passwordHash = await passwords.hash(password);
  try {
    return await users.insertUser(db, { email, name, role: "ROLE_MEMBER", passwordHash });
  } catch (err) {
    if (isUniqueViolation(err, users.EMAIL_TAKEN)) throw alreadyExists(EMAIL_TAKEN_MESSAGE);
    throw err;
  }
}

/** True for the names of the three roles. */
export function isRoleName(role: string): role is RoleName {
  return (ROLES as readonly string[]).includes(role);
}

/** Changes a user's role (admins only, enforced by the access table). */
export async function setUserRole(db: Executor, userId: string, role: string): Promise<User> {
  const id = requireUuid("userId", userId);
  if (!isRoleName(role)) throw invalidArgument("role", `must be one of ${ROLES.join(", ")}`);
  const user = await users.updateUserRole(db, id, role);
  if (!user) throw notFound("user", id);
  return user;
}

/**
 * Creates the first admin from the configuration unless a user with that email exists
 * (created once, never updated). Safe when replicas race: the insert does nothing on conflict.
 * True when this call created it.
 */
export async function ensureAdmin(db: Executor, passwords: PasswordHasher, admin: { email: string; password: string }): Promise<boolean> {
  const email = validEmail(admin.email);
  if (await users.emailExists(db, email)) return false;
  const passwordHash = await passwords.hash(admin.password);
  return users.insertUserIfEmailFree(db, { email, name: "Administrator", role: "ROLE_ADMIN", passwordHash });
}
