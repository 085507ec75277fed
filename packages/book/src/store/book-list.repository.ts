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

const FILTER = `($1::text is null or title ilike $1 or ($2::text is not null and isbn::text like $2))
  and ($3::uuid is null or author_id = $3)
  and ($4::boolean is null or (available_copies > 0) = $4)
  and ($5::uuid[] is null or id = any($5::uuid[]))`;

/**
 * Where a page is read from. With a category filter the members (at most
 * MAX_CATEGORY_MEMBERS ids) are fetched by primary key first and then sorted: left to
 * itself the planner walks the whole sort-order index, testing every row against the id list,
 * to find the first page (100+ ms at 100 000 books; docs/performance.md has both plans).
 */
function sourceOf(filter: BookFilter): string {
  return filter.ids ? "(select * from books where id = any($5::uuid[]) offset 0) as books" : "books";
}

/**
 * A page of books in `order` strictly after `after` (keyset: the sort value, then the id, both
 * in the order's direction), with the number of all matches. Each row carries its cursor.
 */
export async function listBooks(
  db: Executor,
  opts: { filter: BookFilter; order: BookOrder; after: BookCursor | undefined; limit: number },
): Promise<{ rows: { book: Book; cursor: BookCursor }[]; total: number }> {
  const sql = ORDERS[opts.order.key];
  const dir = opts.order.desc ? "desc" : "asc";
  const keyset = opts.after ? `and (${sql.expr}, id) ${opts.order.desc ? "<" : ">"} ($7::${sql.type}, $8::uuid)` : "";
  const filterParams = filterParamsOf(opts.filter);
  const [page, count] = await Promise.all([
    db.query<BookRow & { sort_key: string | number }>(
      `select ${BOOK_COLUMNS}, ${sql.sortKey} as sort_key from ${sourceOf(opts.filter)}
       where ${FILTER} ${keyset}
       order by ${sql.expr} ${dir}, id ${dir} limit $6`,
      [...filterParams, opts.limit, ...(opts.after ?? [])],
    ),
    isUnfiltered(opts.filter)
      ? db.query<{ total: number }>("select coalesce(sum(delta), 0)::int as total from book_count_deltas")
      : db.query<{ total: number }>(`select count(*)::int as total from books where ${FILTER}`, filterParams),
  ]);
  return {
    rows: page.rows.map((r) => ({ book: rowToBook(r), cursor: [r.sort_key, r.id] as BookCursor })),
    total: count.rows[0].total,
  };
}

/** No filter at all: the count of every book is kept up to date by a trigger (migration 0005). */
function isUnfiltered(f: BookFilter): boolean {
  return !f.q && !f.authorId && f.ids === undefined && f.available === undefined;
}

function filterParamsOf(f: BookFilter): unknown[] {
  return [
    f.q ? `%${escapeLike(f.q)}%` : null,
    f.q && f.isbnPrefix ? `${f.isbnPrefix}%` : null,
    f.authorId || null,
    f.available ?? null,
    f.ids ?? null,
  ];
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
