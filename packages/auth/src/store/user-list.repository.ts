import type { Executor } from "@lms/platform";
import type { User } from "../domain/user.js";
import { rowToUser, USER_COLUMNS, type UserRow } from "./user.repository.js";

/** Position of a row in ListUsers' order: (lower(name), id). */
export type UserCursor = [string, string];

/**
 * What matches `q` (every value a bound parameter): the email or the name containing it
 * ($1, an ILIKE pattern; served by trigram indexes where pg_trgm exists), or a card number
 * starting with it ($2, only when q is digits; served by a text_pattern_ops index).
 */
const MATCHES = "($1::text is null or email ilike $1 or name ilike $1 or ($2::text is not null and card_number like $2))";

/**
 * A page of users ordered by (lower(name), id) strictly after `after`, with the number of all
 * matches. Each row carries its sort key as the database computed it, for the next cursor.
 */
export async function listUsers(
  db: Executor,
  opts: { q: string; after: UserCursor | undefined; limit: number },
): Promise<{ rows: { user: User; sortKey: UserCursor }[]; total: number }> {
  const pattern = opts.q ? `%${escapeLike(opts.q)}%` : null;
  const cardPrefix = /^[0-9]{1,10}$/.test(opts.q) ? `${opts.q}%` : null;
  const [page, count] = await Promise.all([
    db.query<UserRow & { sort_name: string }>(
      `select ${USER_COLUMNS}, lower(name) as sort_name from users
       where ${MATCHES}
         and ($3::text is null or (lower(name), id) > ($3::text, $4::uuid))
       order by lower(name), id limit $5`,
      [pattern, cardPrefix, opts.after?.[0] ?? null, opts.after?.[1] ?? null, opts.limit],
    ),
    db.query<{ total: number }>(`select count(*)::int as total from users where ${MATCHES}`, [pattern, cardPrefix]),
  ]);
  return {
    rows: page.rows.map((r) => ({ user: rowToUser(r), sortKey: [r.sort_name, r.id] as UserCursor })),
    total: count.rows[0].total,
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
