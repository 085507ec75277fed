import {
  checkAll,
  decodePageToken,
  type Executor,
  encodePageToken,
  etagOf,
  type FieldChecks,
  invalidArgument,
  isLibrarian,
  isUuid,
  notFound,
  type Principal,
  pageSizeOf,
  permissionDenied,
  requireIfMatch,
  requireUuid,
  type Transaction,
} from "@lms/platform";
import * as users from "../store/user.repository.js";
import { listUsers as listUserRows, type UserCursor } from "../store/user-list.repository.js";
import { validName } from "./credentials.js";
import { validCardNumber, validPatronGroup } from "./patron-fields.js";
import type { User, UserPatch } from "./user.js";

/** Most ids and card numbers, together, one BatchGetUsers call may name. */
export const MAX_BATCH = 1000;

/** The ETag of this version of the user (every change of a user moves its `updated_at`). */
export function userEtag(user: User): string {
  return etagOf(user.id, user.version);
}

/**
 * One user (GetUser). Librarians and admins read anyone; a member only themself, any other id
 * being PERMISSION_DENIED whether or not it exists (so members cannot probe for accounts).
 */
export async function getUser(db: Executor, caller: Principal, id: string): Promise<User> {
  const userId = requireUuid("id", id);
  if (!isLibrarian(caller.role) && caller.userId !== userId) throw permissionDenied("a member may read only their own account");
  const user = await users.findUser(db, userId);
  if (!user) throw notFound("user", userId);
  return user;
}

/** A page of users by name (ListUsers): `q` searches email and name, or the first digits of a card number. */
export async function listUsers(db: Executor, req: { pageSize: number; pageToken: string; q: string }) {
  const limit = pageSizeOf(req.pageSize);
  const q = req.q.trim();
  const filter = `users:${q.toLowerCase()}`;
  const cursor = decodePageToken(req.pageToken, filter);
  const after = cursor ? userCursor(cursor) : undefined;
  const { rows, total } = await listUserRows(db, { q, after, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextPageToken = rows.length > limit && last ? encodePageToken(last.sortKey, filter) : "";
  return { users: page.map((r) => r.user), nextPageToken, totalSize: total };
}

/**
 * Changes the fields present in `patch` (UpdateUser, after the update mask chose them), in the
 * caller's transaction: each is checked, every invalid one reported at once with the id; then
 * the row is locked and, with `ifMatch` (the client's `If-Match`), its current ETag compared
 * (a mismatch is ETAG_MISMATCH). Nothing is written unless all pass. An empty patch changes
 * nothing and answers the user as it is.
 */
export async function updateUser(tx: Transaction, id: string, patch: UserPatch, ifMatch?: string | null): Promise<User> {
  const checks: FieldChecks<UserPatch & { id: string }> = { id: () => requireUuid("id", id) };
  if (patch.name !== undefined) checks.name = () => validName(patch.name ?? "");
  if (patch.patronGroup !== undefined) checks.patronGroup = () => validPatronGroup(patch.patronGroup ?? "");
  const { id: userId, ...checked } = checkAll(checks);
  const current = await users.lockUser(tx, userId);
  if (!current) throw notFound("user", userId);
  requireIfMatch(ifMatch, userEtag(current), `user ${userId}`);
  if (Object.keys(checked).length === 0) return current;
  const user = await users.updateUserFields(tx, userId, checked);
  if (!user) throw notFound("user", userId);
  return user;
}

/**
 * The users named by id or card number (BatchGetUsers, for other services): each found user
 * once, those named by id first in the order asked, then those named by card; unknown ones
 * are left out for the caller to judge. Every malformed entry is named at once (`ids[2]`,
 * `cardNumbers[0]`).
 */
export async function batchGetUsers(db: Executor, req: { ids: readonly string[]; cardNumbers: readonly string[] }): Promise<User[]> {
  if (req.ids.length + req.cardNumbers.length > MAX_BATCH) {
    throw invalidArgument("ids", `at most ${MAX_BATCH} ids and card numbers in all per call`);
  }
  const checks: [string, () => string][] = [
    ...req.ids.map((id, i): [string, () => string] => [`ids[${i}]`, () => requireUuid(`ids[${i}]`, id)]),
    ...req.cardNumbers.map((card, i): [string, () => string] => [`cardNumbers[${i}]`, () => validCardNumber(`cardNumbers[${i}]`, card)]),
  ];
  const checked = checkAll<Record<string, string>>(Object.fromEntries(checks));
  const ids = req.ids.map((_, i) => checked[`ids[${i}]`]);
  const cards = req.cardNumbers.map((_, i) => checked[`cardNumbers[${i}]`]);
  if (ids.length === 0 && cards.length === 0) return [];
  const found = await users.findUsers(db, ids, cards);
  const byId = new Map(found.map((u) => [u.id, u]));
  const byCard = new Map(found.map((u) => [u.cardNumber, u]));
  const ordered = [...ids.map((id) => byId.get(id)), ...cards.map((card) => byCard.get(card))];
  return [...new Set(ordered.filter((u): u is User => u !== undefined))];
}

/** A decoded cursor must be (name key, user id); anything else is a forged or foreign token. */
function userCursor(cursor: (string | number)[]): UserCursor {
  const [name, id] = cursor;
  if (cursor.length !== 2 || typeof name !== "string" || typeof id !== "string" || !isUuid(id)) {
    throw invalidArgument("pageToken", "is not a page token of this query");
  }
  return [name, id];
}
