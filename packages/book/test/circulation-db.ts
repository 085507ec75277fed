import { randomUUID } from "node:crypto";
import { inTransaction, migrateUp, migrationsDirOf, type Principal, type RoleName, requireUuid } from "@lms/platform";
import { createTestDatabase } from "@lms/platform/testing/test-database";
import pg from "pg";
import type { LoanRules } from "../src/domain/loan.js";
import * as loans from "../src/domain/loan.service.js";
import type { Patron } from "../src/domain/ports.js";

/** A migrated book database for domain-level specs (circulation, recommendations). */
export interface BookDb {
  pool: pg.Pool;
  /** Inserts a book with `copies` copies (all on the shelf) and returns its id. */
  insertBook(copies: number, fields?: { authorId?: string; title?: string }): Promise<string>;
  /** available_copies, total_copies and open loans of a book, straight from the tables. */
  counts(bookId: string): Promise<{ available: number; total: number; open: number }>;
  /**
   * What the book's copies say, beside its counters: copies by status, open loans without a copy
   * on loan, and copies on more than one open loan (each list should be empty, each count match).
   */
  copyCounts(bookId: string): Promise<CopyCounts>;
  close(): Promise<void>;
}

type AfterTx<F> = F extends (tx: never, ...rest: infer R) => unknown ? R : never;

/** A book's copies by status and the invariants that tie them to its counters and loans. */
export interface CopyCounts {
  available: number;
  onLoan: number;
  lost: number;
  withdrawn: number;
  /** Open loans whose copy is not on loan (or that have none). */
  loansOffCopy: number;
  /** Copies on loan with no open loan, or on more than one. */
  copiesOffLoan: number;
}

/**
 * BorrowBook as its handler runs it, in a transaction of its own: the caller (or, for a
 * librarian, `userId`) borrows under one policy made of `rules` for everyone, with overdue
 * loans blocking at once (OVERDUE_BLOCK_DAYS 0).
 */
export async function borrowBook(pool: pg.Pool, rules: LoanRules, who: Principal, req: { bookId: string; userId: string }) {
  const borrower = patronOf({ ...who, userId: loans.borrowerOf(who, req.userId) });
  return inTransaction(pool, (tx) => loans.borrowBook(tx, lendingUnder(rules), borrower, requireUuid("id", req.bookId)));
}

/** The caller as a patron of the default group (the auth service is not asked in these specs). */
export function patronOf(who: Principal): Patron {
  return { id: who.userId, patronGroup: "default", cardNumber: "" };
}

/** Lending under one policy for every patron group and loan type, made of `rules`. */
export function lendingUnder(rules: LoanRules, overdueBlockDays = 0): loans.Lending {
  const policy = {
    patronGroup: "*",
    loanType: "*",
    loanable: true,
    loanDays: rules.loanDays,
    maxRenewals: 2,
    maxLoans: rules.maxActiveLoans,
  };
  return { policies: { policyFor: async () => policy }, overdueBlockDays };
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
        `with book as (
           insert into books (title, isbn, author_id, total_copies, available_copies)
           values ($1, lpad((floor(random() * 1e12))::bigint::text, 13, '9'), $2, $3, $3) returning id
         ), added as (insert into copies (book_id) select id from book, generate_series(1, $3::int))
         select id from book`,
        [fields.title ?? "A Book", fields.authorId ?? randomUUID(), copies],
      );
      return rows[0].id;
    },
    async copyCounts(bookId) {
      const { rows } = await pool.query<CopyCounts>(
        `select count(*) filter (where status = 'available')::int as available, count(*) filter (where status = 'on_loan')::int as "onLoan",
                count(*) filter (where status = 'lost')::int as lost, count(*) filter (where status = 'withdrawn')::int as withdrawn,
                (select count(*)::int from loans l left join copies c on c.id = l.copy_id
                  where l.book_id = $1 and l.returned_at is null and c.status is distinct from 'on_loan') as "loansOffCopy",
                (select count(*)::int from copies c
                  where c.book_id = $1 and c.status = 'on_loan'
                    and (select count(*) from loans l where l.copy_id = c.id and l.returned_at is null) <> 1) as "copiesOffLoan"
           from copies where book_id = $1`,
        [bookId],
      );
      return rows[0];
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
