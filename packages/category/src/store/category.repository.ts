import type { Executor } from "@lms/platform";
import type { Category, CategoryFields } from "../domain/category.js";
import { TREE_KEY, TREE_LOCK_NAMESPACE } from "./lock-keys.js";

export interface CategoryRow {
  id: string;
  name: string;
  description: string;
  parent_id: string | null;
  created_at: Date;
  updated_at: Date;
  version: string;
}

/** Name of the unique index behind "names are unique among siblings" (migration 0001). */
export const SIBLING_NAME_KEY = "categories_sibling_name_key";

export const CATEGORY_COLUMNS =
  "id, name, description, parent_id, created_at, updated_at, (extract(epoch from updated_at) * 1000000)::bigint::text as version";

/** Row → domain category (the one mapping at this border). */
export function rowToCategory(row: CategoryRow): Category {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    parentId: row.parent_id ?? "",
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** Inserts a category and returns it as stored (a duplicate sibling name raises the unique violation). */
export async function insertCategory(db: Executor, f: CategoryFields): Promise<Category> {
  const { rows } = await db.query<CategoryRow>(
    `insert into categories (name, description, parent_id) values ($1, $2, nullif($3, '')::uuid) returning ${CATEGORY_COLUMNS}`,
    [f.name, f.description, f.parentId],
  );
  return rowToCategory(rows[0]);
}

/** The category with `id`, or undefined. */
export async function findCategory(db: Executor, id: string): Promise<Category | undefined> {
  const { rows } = await db.query<CategoryRow>(`select ${CATEGORY_COLUMNS} from categories where id = $1`, [id]);
  return rows[0] && rowToCategory(rows[0]);
}

/** Replaces the writable fields; undefined when no such category. */
export async function updateCategory(db: Executor, id: string, f: CategoryFields): Promise<Category | undefined> {
  const { rows } = await db.query<CategoryRow>(
    `update categories set name = $2, description = $3, parent_id = nullif($4, '')::uuid, updated_at = now()
     where id = $1 returning ${CATEGORY_COLUMNS}`,
    [id, f.name, f.description, f.parentId],
  );
  return rows[0] && rowToCategory(rows[0]);
}

/**
 * Serialises every move within the tree until the transaction ends. A cycle check reads the
 * ancestors of the new parent; two moves checked side by side (A under B, B under A) would each
 * see no cycle, so moves take turns, and each sees the other's committed result.
 */
export async function lockTreeForMove(db: Executor): Promise<void> {
  await db.query("select pg_advisory_xact_lock($1, $2)", [TREE_LOCK_NAMESPACE, TREE_KEY]);
}

/**
 * Keeps the category from being deleted until the transaction ends (FOR KEY SHARE, the lock a
 * foreign key takes), so a child or link made now always has its parent; false when absent.
 */
export async function lockCategoryAgainstDelete(db: Executor, id: string): Promise<boolean> {
  const { rowCount } = await db.query("select 1 from categories where id = $1 for key share", [id]);
  return (rowCount ?? 0) > 0;
}

/** True when `id` is `of` itself or one of its ancestors (so `of` may not become its parent). */
export async function isSelfOrAncestor(db: Executor, id: string, of: string): Promise<boolean> {
  // Walks up from `of`; UNION (not UNION ALL) stops even on a damaged, cyclic tree.
  const { rows } = await db.query<{ found: boolean }>(
    `with recursive up (id, parent_id) as (
       select id, parent_id from categories where id = $2
       union
       select c.id, c.parent_id from categories c join up on c.id = up.parent_id
     )
     select exists (select 1 from up where id = $1) as found`,
    [id, of],
  );
  return rows[0].found;
}

/**
 * Locks the category for a write or delete until the transaction ends (FOR UPDATE: new children
 * and links wait, so "has no children" stays true until it is gone) and returns it; undefined
 * when absent.
 */
export async function lockCategory(db: Executor, id: string): Promise<Category | undefined> {
  const { rows } = await db.query<CategoryRow>(`select ${CATEGORY_COLUMNS} from categories where id = $1 for update`, [id]);
  return rows[0] && rowToCategory(rows[0]);
}

/** Number of direct children of the category. */
export async function countChildren(db: Executor, id: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>("select count(*)::int as n from categories where parent_id = $1", [id]);
  return rows[0].n;
}

/** Deletes the category; its item links go with it (on delete cascade). False when absent. */
export async function deleteCategory(db: Executor, id: string): Promise<boolean> {
  const { rowCount } = await db.query("delete from categories where id = $1", [id]);
  return (rowCount ?? 0) > 0;
}

/**
 * Locks the existing categories among `ids` against deletion until the transaction ends (FOR KEY
 * SHARE, in id order: a concurrent delete waits, a rename does not) and returns the ids found.
 */
export async function lockExistingCategories(db: Executor, ids: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>("select id from categories where id = any($1::uuid[]) order by id for key share", [ids]);
  return rows.map((r) => r.id);
}

/** Filter of ListCategories: `q` searched in the name, `parentId` ("" = any) for direct children. */
export interface CategoryFilter {
  q: string;
  parentId: string;
}

/**
 * A page of categories ordered by (lower(name), id) after `after`, with the total count of
 * matches. Each row carries its sort key as the database computed it, for the next cursor.
 */
export async function listCategories(
  db: Executor,
  opts: CategoryFilter & { after: [string, string] | undefined; limit: number },
): Promise<{ rows: { category: Category; sortKey: [string, string] }[]; total: number }> {
  const pattern = opts.q ? `%${escapeLike(opts.q)}%` : null;
  const parent = opts.parentId || null;
  const where = "($1::text is null or name ilike $1) and ($2::uuid is null or parent_id = $2)";
  const [page, count] = await Promise.all([
    db.query<CategoryRow & { sort_name: string }>(
      `select ${CATEGORY_COLUMNS}, lower(name) as sort_name from categories
       where ${where} and ($3::text is null or (lower(name), id) > ($3::text, $4::uuid))
       order by lower(name), id limit $5`,
      [pattern, parent, opts.after?.[0] ?? null, opts.after?.[1] ?? null, opts.limit],
    ),
    db.query<{ total: number }>(`select count(*)::int as total from categories where ${where}`, [pattern, parent]),
  ]);
  return {
    rows: page.rows.map((r) => ({ category: rowToCategory(r), sortKey: [r.sort_name, r.id] as [string, string] })),
    total: count.rows[0].total,
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
