import { randomUUID } from "node:crypto";
import { inTransaction, migrateUp, migrationsDirOf, type Principal, type RoleName } from "@lms/platform";
import { createTestDatabase } from "@lms/platform/testing/test-database";
import pg from "pg";
import * as loans from "../src/domain/loan.service.js";

/** A migrated book database for domain-level specs (circulation, recommendations). */
export interface BookDb {
  pool: pg.Pool;
  /** Inserts a book with `copies` copies (all on the shelf) and returns its id. */
  insertBook(copies: number, fields?: { authorId?: string; title?: string }): Promise<string>;
  /** available_copies, total_copies and open loans of a book, straight from the tables. */
  counts(bookId: string): Promise<{ available: number; total: number; open: number }>;
  close(): Promise<void>;
}

type AfterTx<F> = F extends (tx: never, ...rest: infer R) => unknown ? R : never;

/** BorrowBook as its handler runs it: in a transaction of its own. */
export function borrowBook(pool: pg.Pool, ...args: AfterTx<typeof loans.borrowBook>) {
  return inTransaction(pool, (tx) => loans.borrowBook(tx, ...args));
}

/** ReturnBook as its handler runs it: in a transaction of its own. */
export function returnBook(pool: pg.Pool, ...args: AfterTx<typeof loans.returnBook>) {
  return inTransaction(pool, (tx) => loans.returnBook(tx, ...args));
}

/** A caller as the access interceptor would put it in the context. */
export function caller(role: RoleName = "ROLE_MEMBER", userId: string = randomUUID()): Principal {
  return { userId, email: `${userId.slice(0, 8)}@example.test`, role };
}

/** Opens a fresh database with a pool of `poolSize` and applies the book migrations. */
export async function openBookDb(poolSize = 20): Promise<BookDb> {
  const database = await createTestDatabase("book_circ");
  const pool = new pg.Pool({ connectionString: database.url, max: poolSize });
  // A connection still closing when close() drops the database gets the server's termination
  // notice (57P01) as an idle-client error; without a listener the pool would throw it.
  pool.on("error", () => {});
  await migrateUp(pool, migrationsDirOf("book"));
  return {
    pool,
    async insertBook(copies, fields = {}) {
      const { rows } = await pool.query<{ id: string }>(
        `insert into books (title, isbn, author_id, total_copies, available_copies)
         values ($1, lpad((floor(random() * 1e12))::bigint::text, 13, '9'), $2, $3, $3) returning id`,
        [fields.title ?? "A Book", fields.authorId ?? randomUUID(), copies],
      );
      return rows[0].id;
    },
    async counts(bookId) {
      const { rows } = await pool.query<{ available: number; total: number; open: number }>(
        `select available_copies as available, total_copies as total,
                (select count(*)::int from loans where book_id = $1 and returned_at is null) as open
           from books where id = $1`,
        [bookId],
      );
      return rows[0];
    },
    async close() {
      await pool.end();
      await database.drop();
    },
  };
}
