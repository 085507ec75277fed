import type { Executor } from "@lms/platform";
import type { Author, AuthorFields } from "../domain/author.js";

interface AuthorRow {
  id: string;
  name: string;
  biography: string;
  birth_date: string | null;
  nationality: string;
  created_at: Date;
  updated_at: Date;
  version: string;
}

const COLUMNS =
  "id, name, biography, to_char(birth_date, 'YYYY-MM-DD') as birth_date, nationality, created_at, updated_at, " +
  "(extract(epoch from updated_at) * 1000000)::bigint::text as version";

function rowToAuthor(row: AuthorRow): Author {
  return {
    id: row.id,
    name: row.name,
    biography: row.biography,
    birthDate: row.birth_date ?? "",
    nationality: row.nationality,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** Inserts an author and returns it as stored. */
export async function insertAuthor(db: Executor, f: AuthorFields): Promise<Author> {
  const { rows } = await db.query<AuthorRow>(
    `insert into authors (name, biography, birth_date, nationality) values ($1, $2, nullif($3, '')::date, $4) returning ${COLUMNS}`,
    [f.name, f.biography, f.birthDate, f.nationality],
  );
  return rowToAuthor(rows[0]);
}

/** The author with `id`, or undefined. */
export async function findAuthor(db: Executor, id: string): Promise<Author | undefined> {
  const { rows } = await db.query<AuthorRow>(`select ${COLUMNS} from authors where id = $1`, [id]);
  return rows[0] && rowToAuthor(rows[0]);
}

/** The authors among `ids` that exist. */
export async function findAuthors(db: Executor, ids: string[]): Promise<Author[]> {
  const { rows } = await db.query<AuthorRow>(`select ${COLUMNS} from authors where id = any($1::uuid[])`, [ids]);
  return rows.map(rowToAuthor);
}

/** Replaces the writable fields; undefined when no such author. */
export async function updateAuthor(db: Executor, id: string, f: AuthorFields): Promise<Author | undefined> {
  const { rows } = await db.query<AuthorRow>(
    `update authors set name = $2, biography = $3, birth_date = nullif($4, '')::date, nationality = $5, updated_at = now()
     where id = $1 returning ${COLUMNS}`,
    [id, f.name, f.biography, f.birthDate, f.nationality],
  );
  return rows[0] && rowToAuthor(rows[0]);
}

/** Locks the author row for the rest of the transaction and returns it; undefined when absent. */
export async function lockAuthor(db: Executor, id: string): Promise<Author | undefined> {
  const { rows } = await db.query<AuthorRow>(`select ${COLUMNS} from authors where id = $1 for update`, [id]);
  return rows[0] && rowToAuthor(rows[0]);
}

/** Deletes the author; false when absent. */
export async function deleteAuthor(db: Executor, id: string): Promise<boolean> {
  const { rowCount } = await db.query("delete from authors where id = $1", [id]);
  return (rowCount ?? 0) > 0;
}

/**
 * A page of authors ordered by (lower(name), id) after `after`, with the total count of
 * matches. Each row carries its sort key as the database computed it, for the next cursor.
 */
export async function listAuthors(
  db: Executor,
  opts: { q: string; after: [string, string] | undefined; limit: number },
): Promise<{ rows: { author: Author; sortKey: [string, string] }[]; total: number }> {
  const pattern = opts.q ? `%${escapeLike(opts.q)}%` : null;
  const [page, count] = await Promise.all([
    db.query<AuthorRow & { sort_name: string }>(
      `select ${COLUMNS}, lower(name) as sort_name from authors
       where ($1::text is null or name ilike $1)
         and ($2::text is null or (lower(name), id) > ($2::text, $3::uuid))
       order by lower(name), id limit $4`,
      [pattern, opts.after?.[0] ?? null, opts.after?.[1] ?? null, opts.limit],
    ),
    db.query<{ total: number }>("select count(*)::int as total from authors where ($1::text is null or name ilike $1)", [pattern]),
  ]);
  return {
    rows: page.rows.map((r) => ({ author: rowToAuthor(r), sortKey: [r.sort_name, r.id] as [string, string] })),
    total: count.rows[0].total,
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
