import {
  alreadyExists,
  checkAll,
  type Executor,
  failedPrecondition,
  invalidArgument,
  isUniqueViolation,
  notFound,
  ROLES,
  type RoleName,
  requireUuid,
  type Transaction,
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
  signal?: AbortSignal,
): Promise<User> {
  const { email, password, name } = checkAll({
    email: () => validEmail(input.email),
    password: () => validNewPassword(input.password),
    name: () => validName(input.name),
  });
  // Cheap refusal before paying for argon2; the unique constraint still decides races.
  if (await users.emailExists(db, email)) throw alreadyExists(EMAIL_TAKEN_MESSAGE);
  const passwordHash = await passwords.hash(password, signal);
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

/**
 * Changes a user's role (admins only: the rpc's access rule in auth.proto). The last admin keeps the
 * role: demoting it is FAILED_PRECONDITION `LAST_ADMIN`, decided under a lock on every admin row
 * so that concurrent demotions can never leave none.
 */
export async function setUserRole(tx: Transaction, userId: string, role: string): Promise<User> {
  const id = requireUuid("userId", userId);
  if (!isRoleName(role)) throw invalidArgument("role", `must be one of ${ROLES.join(", ")}`);
  const admins = await users.lockAdmins(tx);
  if (role !== "ROLE_ADMIN" && admins.length === 1 && admins[0] === id) {
    throw failedPrecondition("LAST_ADMIN", "the last admin cannot lose the admin role; make another admin first", { userId: id });
  }
  const user = await users.updateUserRole(tx, id, role);
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
