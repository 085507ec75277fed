import type { Executor, RoleName } from "@lms/platform";
import type { NewUser, User, UserCredentials, UserPatch } from "../domain/user.js";

/** A users row as selected with {@link USER_COLUMNS}. */
export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: RoleName;
  created_at: Date;
  patron_group: string;
  card_number: string;
  version: string;
}

/** The columns {@link rowToUser} reads. */
export const USER_COLUMNS =
  "id, email, name, role, created_at, patron_group, card_number, (extract(epoch from updated_at) * 1000000)::bigint::text as version";

/** The unique constraint on users.email (stored lower-cased). */
export const EMAIL_TAKEN = "users_email_key";

/** Row → domain user (the one mapping at this border). */
export function rowToUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: row.created_at,
    patronGroup: row.patron_group,
    cardNumber: row.card_number,
    version: row.version,
  };
}

/**
 * Inserts a user; a taken email raises the unique violation {@link EMAIL_TAKEN}. The patron
 * group and the card number come from the column defaults (migration 0003: the next card of
 * a sequence that never repeats).
 */
export async function insertUser(db: Executor, u: NewUser): Promise<User> {
  const { rows } = await db.query<UserRow>(
    `insert into users (email, name, password_hash, role) values ($1, $2, $3, $4) returning ${USER_COLUMNS}`,
    [u.email, u.name, u.passwordHash, u.role],
  );
  return rowToUser(rows[0]);
}

/** Inserts a user unless the email is taken (by anyone, even concurrently); true when inserted. */
export async function insertUserIfEmailFree(db: Executor, u: NewUser): Promise<boolean> {
  const { rowCount } = await db.query(
    "insert into users (email, name, password_hash, role) values ($1, $2, $3, $4) on conflict (email) do nothing",
    [u.email, u.name, u.passwordHash, u.role],
  );
  return (rowCount ?? 0) > 0;
}

/** The user with `id`, or undefined. */
export async function findUser(db: Executor, id: string): Promise<User | undefined> {
  const { rows } = await db.query<UserRow>(`select ${USER_COLUMNS} from users where id = $1`, [id]);
  return rows[0] && rowToUser(rows[0]);
}

/** Locks the user until the transaction ends and returns them as they are now; undefined when none. */
export async function lockUser(tx: Executor, id: string): Promise<User | undefined> {
  const { rows } = await tx.query<UserRow>(`select ${USER_COLUMNS} from users where id = $1 for update`, [id]);
  return rows[0] && rowToUser(rows[0]);
}

/** The users named by `ids` or `cardNumbers` that exist, in no particular order (one statement). */
export async function findUsers(db: Executor, ids: readonly string[], cardNumbers: readonly string[]): Promise<User[]> {
  const { rows } = await db.query<UserRow>(
    `select ${USER_COLUMNS} from users where id = any($1::uuid[]) or card_number = any($2::text[])`,
    [ids, cardNumbers],
  );
  return rows.map(rowToUser);
}

/** Sets the fields present in `patch` (UpdateUser); undefined when no such user. */
export async function updateUserFields(db: Executor, id: string, patch: UserPatch): Promise<User | undefined> {
  const { rows } = await db.query<UserRow>(
    `update users set name = coalesce($2, name), patron_group = coalesce($3, patron_group), updated_at = now()
     where id = $1 returning ${USER_COLUMNS}`,
    [id, patch.name ?? null, patch.patronGroup ?? null],
  );
  return rows[0] && rowToUser(rows[0]);
}

/** True when a user has this (lower-cased) email. */
export async function emailExists(db: Executor, email: string): Promise<boolean> {
  const { rowCount } = await db.query("select 1 from users where email = $1", [email]);
  return (rowCount ?? 0) > 0;
}

/** The user with this (lower-cased) email and their password hash, or undefined. */
export async function findCredentials(db: Executor, email: string): Promise<UserCredentials | undefined> {
  const { rows } = await db.query<UserRow & { password_hash: string }>(
    `select ${USER_COLUMNS}, password_hash from users where email = $1`,
    [email],
  );
  return rows[0] && { user: rowToUser(rows[0]), passwordHash: rows[0].password_hash };
}

/** Sets the role of a user; undefined when no such user. */
export async function updateUserRole(db: Executor, id: string, role: RoleName): Promise<User | undefined> {
  const { rows } = await db.query<UserRow>(`update users set role = $2, updated_at = now() where id = $1 returning ${USER_COLUMNS}`, [
    id,
    role,
  ]);
  return rows[0] && rowToUser(rows[0]);
}

/**
 * Locks every admin's row (in id order, so concurrent callers queue instead of deadlocking) and
 * answers their ids as they are once the locks are held: a role change made under these locks
 * sees every admin demoted before it, which is what keeps the last admin from being demoted
 * by two admins demoting each other at once.
 */
export async function lockAdmins(db: Executor): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>("select id from users where role = 'ROLE_ADMIN' order by id for update");
  return rows.map((r) => r.id);
}
