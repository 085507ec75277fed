import type { Executor } from "@lms/platform";
import type { Book } from "../domain/book.js";
import type { BookOrder, BookSortKey } from "../domain/book-order.js";
import type { BookCursor } from "../domain/page-cursor.js";
import { BOOK_COLUMNS, type BookRow, rowToBook } from "./book.repository.js";

/** What ListBooks filters on; every value travels as a bound parameter. */
export interface BookFilter {
  /** Searched case-insensitively in the title; "" = no search. */
  q: string;
  /** Normalised ISBN digits the ISBN must start with (searched besides the title), or undefined. */
  isbnPrefix: string | undefined;
  /** "" = any author. */
  authorId: string;
  /** Only these ids (the members of a category), or undefined for no such restriction. */
  ids: readonly string[] | undefined;
  /** true: a copy on the shelf; false: none; undefined: either. */
  available: boolean | undefined;
}

/**
 * The SQL of each order, chosen from this fixed table by key: user input never reaches the SQL
 * text. `sortKey` renders the value for the cursor; created_at is rendered with its full
 * microseconds in UTC (a JS Date has only milliseconds), so rows that differ below a
 * millisecond are neither skipped nor repeated across pages.
 */
const ORDERS: Record<BookSortKey, { expr: string; type: string; sortKey: string }> = {
  title: { expr: "lower(title)", type: "text", sortKey: "lower(title)" },
  publishedYear: { expr: "published_year", type: "int", sortKey: "published_year" },
  createdAt: {
    expr: "created_at",
    type: "timestamptz",
    sortKey: `to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
  },
};

/** Every filter but the category members' (parameters $1–$4, {@link filterParamsOf}). */
const FILTER = `($1::text is null or title ilike $1 or ($2::text is not null and isbn::text like $2))
  and ($3::uuid is null or author_id = $3)
  and ($4::boolean is null or (available_copies > 0) = $4)`;

/** A page of books in `order` strictly after `after`, with the number of all matches. */
export interface PageQuery {
  filter: BookFilter;
  order: BookOrder;
  after: BookCursor | undefined;
  limit: number;
}

/** One page and the number of all matches; each row carries its cursor. */
export interface BookPage {
  rows: { book: Book; cursor: BookCursor }[];
  total: number;
}

/**
 * A page of books in `order` strictly after `after` (keyset: the sort value, then the id, both
 * in the order's direction), with the number of all matches. Each row carries its cursor.
 */
export async function listBooks(db: Executor, opts: PageQuery): Promise<BookPage> {
  if (opts.filter.ids) return listCategoryBooks(db, opts, opts.filter.ids);
  const { sql, dir, keyset } = orderSqlOf(opts, 6);
  const filterParams = filterParamsOf(opts.filter);
  const [page, count] = await Promise.all([
    db.query<BookRow & { sort_key: string | number }>(
      `select ${BOOK_COLUMNS}, ${sql.sortKey} as sort_key from books
       where ${FILTER} ${keyset}
       order by ${sql.expr} ${dir}, id ${dir} limit $5`,
      [...filterParams, opts.limit, ...(opts.after ?? [])],
    ),
    isUnfiltered(opts.filter)
      ? db.query<{ total: number }>("select coalesce(sum(delta), 0)::int as total from book_count_deltas")
      : db.query<{ total: number }>(`select count(*)::int as total from books where ${FILTER}`, filterParams),
  ]);
  return { rows: page.rows.map(rowWithCursor), total: count.rows[0].total };
}

/** The category's members ($5, comma-separated ids) that pass the other filters. */
const MATCHES = `books where id = any(string_to_array($5, ',')::uuid[]) and ${FILTER}`;

/**
 * A page among the members of a category (at most MAX_CATEGORY_MEMBERS ids), in one
 * statement: the members are fetched by primary key first, then counted and sorted. Left to
 * itself the planner walks the whole sort-order index, testing every row against the id list,
 * to find the first page (100+ ms at 100 000 books; docs/performance.md has both plans); and
 * as the page reads every member anyway, counting them there costs nothing, where a second
 * statement looked them all up again. The ids travel as one comma-separated text: node-pg
 * quotes and escapes every element of an array parameter, a fifth of the call's time for a
 * few hundred ids. An empty page has no row to carry the count, so past a cursor (a token
 * beyond the last match) the matches are counted on their own; without one there are none.
 */
async function listCategoryBooks(db: Executor, opts: PageQuery, ids: readonly string[]): Promise<BookPage> {
  const { sql, dir, keyset } = orderSqlOf(opts, 7);
  const filterParams = [...filterParamsOf(opts.filter), ids.join(",")];
  const page = await db.query<BookRow & { sort_key: string | number; total: number }>(
    `with matches as materialized (
       select ${BOOK_COLUMNS} from ${MATCHES}
     )
     select ${BOOK_COLUMNS}, ${sql.sortKey} as sort_key, (select count(*)::int from matches) as total from matches
     where true ${keyset}
     order by ${sql.expr} ${dir}, id ${dir} limit $6`,
    [...filterParams, opts.limit, ...(opts.after ?? [])],
  );
  const first = page.rows[0];
  if (first) return { rows: page.rows.map(rowWithCursor), total: first.total };
  if (!opts.after) return { rows: [], total: 0 };
  const count = await db.query<{ total: number }>(`select count(*)::int as total from ${MATCHES}`, filterParams);
  return { rows: [], total: count.rows[0].total };
}

/** The order's SQL, its direction, and the keyset condition on parameters `$first` and `$first + 1`. */
function orderSqlOf(opts: PageQuery, first: number) {
  const sql = ORDERS[opts.order.key];
  const dir = opts.order.desc ? "desc" : "asc";
  const keyset = opts.after ? `and (${sql.expr}, id) ${opts.order.desc ? "<" : ">"} ($${first}::${sql.type}, $${first + 1}::uuid)` : "";
  return { sql, dir, keyset };
}

function rowWithCursor(r: BookRow & { sort_key: string | number }): { book: Book; cursor: BookCursor } {
  return { book: rowToBook(r), cursor: [r.sort_key, r.id] as BookCursor };
}

/** No filter at all: the count of every book is kept up to date by a trigger (migration 0005). */
function isUnfiltered(f: BookFilter): boolean {
  return !f.q && !f.authorId && f.ids === undefined && f.available === undefined;
}

/** Parameters $1–$4 of {@link FILTER}. */
function filterParamsOf(f: BookFilter): unknown[] {
  return [f.q ? `%${escapeLike(f.q)}%` : null, f.q && f.isbnPrefix ? `${f.isbnPrefix}%` : null, f.authorId || null, f.available ?? null];
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
