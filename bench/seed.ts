import { createHash } from "node:crypto";
import pg from "pg";
import { BARCODE_SQL, copiesSql, LOAN_TYPE_SQL, loanPoliciesInsert } from "./seed-circulation.js";
import { TITLE_WORDS } from "./title-words.js";

/** How big the seeded catalogue is. */
export interface SeedSizes {
  books: number;
  authors: number;
  categories: number;
  /** All loans, open ones included. */
  loans: number;
}

/**
 * The id of the i-th seeded row of `kind`: md5("<kind>:<i>") as a UUID. SQL computes the same
 * value (`md5(...)::uuid`), so the bench knows every id without reading it back, and the three
 * databases agree on ids without ever joining across each other.
 */
export function seededId(kind: "book" | "author" | "category", i: number): string {
  const h = createHash("md5").update(`${kind}:${i}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Indexes of the two hot books (product, raw-SQL baseline): the last two, so they are not the popular ones. */
export function hotBookIndexes(sizes: SeedSizes): { product: number; baseline: number } {
  return { product: sizes.books - 1, baseline: sizes.books - 2 };
}

// A deterministic pseudo-random value in 0..n-1 from an integer expression (hashint4 is built in).
const pick = (expr: string, n: string) => `((hashint4(${expr})::bigint & 2147483647) % ${n})`;

const WORDS = `array[${TITLE_WORDS.map((w) => `'${w}'`).join(",")}]`;

/** Authors in author_db: names, dates and nationalities varied enough to look real. */
async function seedAuthors(db: pg.Client, s: SeedSizes): Promise<void> {
  await db.query(
    `insert into authors (id, name, biography, birth_date, nationality, created_at, updated_at)
     select md5('author:' || i)::uuid, 'Author ' || i, 'Biography of author ' || i, date '1900-01-01' + (i % 36500),
            (array['GB','US','FR','DE','JP','BR','IN','NG'])[1 + i % 8], now() - make_interval(secs => i), now() - make_interval(secs => i)
       from generate_series(0, $1::int - 1) i`,
    [s.authors],
  );
}

/** Categories (a tenth are roots, the rest their children) and 1–3 category links per book. */
async function seedCategories(db: pg.Client, s: SeedSizes): Promise<void> {
  const roots = Math.max(1, Math.floor(s.categories / 10));
  const insert = (from: number, to: number, parent: string) =>
    db.query(
      `insert into categories (id, name, description, parent_id)
       select md5('category:' || i)::uuid, 'Category ' || i, 'Seeded category ' || i, ${parent}
         from generate_series($1::int, $2::int - 1) i`,
      [from, to],
    );
  await insert(0, roots, "null");
  await insert(roots, s.categories, `md5('category:' || (i % ${roots}))::uuid`);
  await db.query(
    `insert into item_categories (item_id, category_id)
     select md5('book:' || b)::uuid, md5('category:' || ${pick("b * 4 + k", "$2::int")})::uuid
       from generate_series(0, $1::int - 1) b cross join lateral generate_series(1, 1 + b % 3) k
     on conflict do nothing`,
    [s.books, s.categories],
  );
}

/**
 * Books with valid, unique ISBN-13s and a loan type, their copies (1–5 each, 200 for the two hot
 * books: about 300 000 for 100 000 books, barcodes as seed-circulation.ts names them), the
 * loan-policy table, then the loans: one open loan, on the book's first copy, on a quarter of the books
 * (available = total − 1 there, every other book fully on the shelf, so available = total −
 * open loans holds from the start), and the rest returned loans spread over three years,
 * skewed so that a few books are borrowed far more than most (recommendations see "classics").
 */
async function seedBooks(db: pg.Client, s: SeedSizes): Promise<void> {
  const hot = hotBookIndexes(s);
  const hasOpenLoan = `(i % 4 = 0 and i % 5 <> 0 and i < ${hot.baseline})`;
  await db.query(
    `insert into books (id, title, isbn, author_id, publisher, published_year, language, description,
                        loan_type, total_copies, available_copies, created_at, updated_at)
     select md5('book:' || i)::uuid,
            initcap(w[1 + ${pick("i * 3", String(TITLE_WORDS.length))}]) || ' ' || w[1 + ${pick("i * 3 + 1", String(TITLE_WORDS.length))}] || ' ' || i,
            body || ((10 - (select sum(substr(body, k, 1)::int * (1 + 2 * ((k + 1) % 2))) from generate_series(1, 12) k) % 10) % 10),
            md5('author:' || ${pick("i", "$2::int")})::uuid, 'Publisher ' || (i % 200), 1900 + ${pick("i + 7", "125")},
            (array['en','fr','de','es','it'])[1 + i % 5], 'A seeded book of the benchmark.', ${LOAN_TYPE_SQL},
            copies, copies - (case when ${hasOpenLoan} then 1 else 0 end),
            now() - make_interval(secs => ($1::int - i) * 60), now() - make_interval(secs => ($1::int - i) * 60)
       from generate_series(0, $1::int - 1) i,
            lateral (select '978' || lpad(i::text, 9, '0') as body,
                            ${copiesSql(hot.baseline)} as copies, ${WORDS} as w) x`,
    [s.books, s.authors],
  );
  // Each book's copies (migration 0008): as many as its counter, the first one on loan where the
  // book has an open loan; ids from md5 like the rest, so the loans name their copies directly.
  await db.query(
    `insert into copies (id, book_id, barcode, status, created_at, updated_at)
     select md5('copy:' || i || ':' || k)::uuid, md5('book:' || i)::uuid, ${BARCODE_SQL},
            case when k = 1 and ${hasOpenLoan} then 'on_loan' else 'available' end, t, t
       from generate_series(0, $1::int - 1) i,
            lateral (select ${copiesSql(hot.baseline)} as copies,
                            now() - make_interval(secs => ($1::int - i) * 60) as t) x,
            lateral generate_series(1, x.copies) k
      order by i, k`,
    [s.books],
  );
  await db.query(loanPoliciesInsert());
  const open = await db.query(
    `insert into loans (book_id, user_id, copy_id, borrowed_at, due_at)
     select md5('book:' || i)::uuid, md5('reader:' || i)::uuid, md5('copy:' || i || ':1')::uuid, now() - make_interval(days => i % 20),
            now() - make_interval(days => i % 20) + interval '14 days'
       from generate_series(0, $1::int - 1) i where ${hasOpenLoan}`,
    [s.books],
  );
  const readers = Math.max(100, Math.floor(s.loans / 20));
  await db.query(
    `insert into loans (book_id, user_id, borrowed_at, due_at, returned_at)
     select md5('book:' || floor($2::int * power(${pick("j", "1000000")} / 1000000.0, 2))::int)::uuid,
            md5('reader:' || ${pick("j * 2 + 1", "$3::int")})::uuid, t, t + interval '14 days', t + make_interval(days => 1 + j % 20)
       from generate_series(0, $1::int - 1) j,
            lateral (select now() - interval '30 days' - make_interval(secs => ${pick("j * 2", "94608000")}::int) as t) x`,
    [s.loans - (open.rowCount ?? 0), s.books, readers],
  );
}

/** How far VACUUM got in marking a database's tables all-visible. */
export interface VacuumOutcome {
  passes: number;
  pages: number;
  allVisiblePages: number;
}

/**
 * VACUUM ANALYZE, again until every page of the public tables is marked all-visible (at most
 * `passes` times, `pauseMs` apart). A page can only be marked once no running transaction may
 * still not see its rows, and autovacuum's own ANALYZE of a table seeded moments before holds
 * such a snapshot: one pass after the seeding left every page of `loans` unmarked, so
 * index-only scans on it visited the heap for every row.
 */
export async function vacuumUntilAllVisible(db: pg.Client, passes = 10, pauseMs = 300): Promise<VacuumOutcome> {
  let outcome: VacuumOutcome = { passes: 0, pages: 0, allVisiblePages: 0 };
  for (let pass = 1; pass <= passes; pass++) {
    if (pass > 1) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    await db.query("vacuum analyze");
    const { rows } = await db.query<{ pages: number; visible: number }>(
      `select coalesce(sum(relpages), 0)::int as pages, coalesce(sum(relallvisible), 0)::int as visible
         from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace`,
    );
    outcome = { passes: pass, pages: rows[0].pages, allVisiblePages: rows[0].visible };
    if (outcome.allVisiblePages >= outcome.pages) break;
  }
  return outcome;
}

/**
 * Fills the three databases at once (one connection each, both cores busy), with bulk
 * `insert … select generate_series(…)`, then VACUUM ANALYZE so the planner knows the sizes
 * and index-only scans see an all-visible heap before the first request
 * ({@link vacuumUntilAllVisible}). Says how the vacuuming went, per database.
 */
export async function seedAll(
  urls: { author: string; category: string; book: string },
  s: SeedSizes,
): Promise<Record<"author" | "category" | "book", VacuumOutcome>> {
  const jobs = [
    ["author", urls.author, seedAuthors],
    ["category", urls.category, seedCategories],
    ["book", urls.book, seedBooks],
  ] as const;
  const outcomes = await Promise.all(
    jobs.map(async ([name, url, seed]) => {
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      try {
        // A crash mid-seed only loses a throwaway database.
        await db.query("set synchronous_commit = off");
        await seed(db, s);
        return [name, await vacuumUntilAllVisible(db)] as const;
      } finally {
        await db.end();
      }
    }),
  );
  return Object.fromEntries(outcomes) as Record<"author" | "category" | "book", VacuumOutcome>;
}

/**
 * Writes what the seeding left dirty out now (CHECKPOINT, one for the whole server): left to
 * itself, PostgreSQL spreads that over its next timed checkpoint, under the first scenarios'
 * measurements. Needs a superuser or pg_checkpoint: the refusal is returned, and the run goes on.
 */
export async function checkpoint(url: string): Promise<{ ms: number } | { refused: string }> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const started = performance.now();
    await db.query("checkpoint");
    return { ms: performance.now() - started };
  } catch (err) {
    return { refused: (err as Error).message };
  } finally {
    await db.end();
  }
}
