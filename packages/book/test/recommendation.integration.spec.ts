import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answered, type CategoryDirectory } from "../src/domain/ports.js";
import { recommendBookIds } from "../src/domain/recommendation.service.js";
import { type BookDb, borrowBook, caller, openBookDb } from "./circulation-db.js";

const rules = { maxActiveLoans: 50, loanDays: 14 };

/** Only `related` matters here; it answers from a fixed table and counts its calls. */
function fakeCategories(related: Record<string, Record<string, number>>) {
  const calls: string[] = [];
  const directory = {
    async related(itemId: string) {
      calls.push(itemId);
      return answered(new Map(Object.entries(related[itemId] ?? {})));
    },
  } as unknown as CategoryDirectory;
  return { directory, calls };
}

describe("recommendations", () => {
  let db: BookDb;
  const author = randomUUID();
  let target: string;
  let sameAuthor: string;
  let sharesTwo: string;
  let coBorrowed: string;
  let popularTwin: string;
  let quietTwin: string;
  let unrelated: string;

  beforeAll(async () => {
    db = await openBookDb(5);
    target = await db.insertBook(10, { authorId: author });
    sameAuthor = await db.insertBook(10, { authorId: author });
    [sharesTwo, coBorrowed, popularTwin, quietTwin, unrelated] = await Promise.all(Array.from({ length: 5 }, () => db.insertBook(10)));
    // Two readers of the target also borrowed coBorrowed: score 2 × 1.
    for (const reader of [caller(), caller()]) {
      await borrowBook(db.pool, rules, reader, { bookId: target, userId: "" });
      await borrowBook(db.pool, rules, reader, { bookId: coBorrowed, userId: "" });
    }
    // The twins tie on one shared category; popularTwin has more loans, unrelated is popular but unrelated.
    for (let i = 0; i < 3; i++) await borrowBook(db.pool, rules, caller(), { bookId: popularTwin, userId: "" });
    for (let i = 0; i < 5; i++) await borrowBook(db.pool, rules, caller(), { bookId: unrelated, userId: "" });
  });
  afterAll(async () => db?.close());

  const related = () => ({ [target]: { [sharesTwo]: 2, [quietTwin]: 1, [popularTwin]: 1 } });

  it("ranks shared categories (2 each), same author (3) and co-borrowers (1 each), ties by popularity", async () => {
    const { directory, calls } = fakeCategories(related());
    const ids = await recommendBookIds(db.pool, directory, { bookId: target, limit: 0 }, 500);
    // Scores: sharesTwo 4, sameAuthor 3, then three books at 2 ordered by loans: popularTwin 3, coBorrowed 2, quietTwin 0.
    expect(ids).toEqual([sharesTwo, sameAuthor, popularTwin, coBorrowed, quietTwin]);
    expect(calls).toEqual([target]);
  });

  it("counts popularity from every loan however it is written, and forgets deleted ones", async () => {
    const { directory } = fakeCategories(related());
    const ranked = () => recommendBookIds(db.pool, directory, { bookId: target, limit: 0 }, 500);
    const counts = () =>
      db.pool.query("select count(*)::int as n from books b where times_borrowed <> (select count(*) from loans l where l.book_id = b.id)");
    expect((await counts()).rows[0].n).toBe(0);
    // Four past loans of quietTwin in one statement, behind the service's back: it now outranks popularTwin.
    await db.pool.query(
      `insert into loans (book_id, user_id, borrowed_at, due_at, returned_at)
       select $1, gen_random_uuid(), now() - interval '9 days', now() - interval '2 days', now() - interval '8 days' from generate_series(1, 4)`,
      [quietTwin],
    );
    expect((await counts()).rows[0].n).toBe(0);
    expect(await ranked()).toEqual([sharesTwo, sameAuthor, quietTwin, popularTwin, coBorrowed]);
    await db.pool.query("delete from loans where book_id = $1", [quietTwin]);
    expect((await counts()).rows[0].n).toBe(0);
    expect(await ranked()).toEqual([sharesTwo, sameAuthor, popularTwin, coBorrowed, quietTwin]);
  });

  it("never recommends the book itself and honours the limit", async () => {
    const { directory } = fakeCategories({ [target]: { [target]: 5, ...related()[target] } });
    const ids = await recommendBookIds(db.pool, directory, { bookId: target, limit: 2 }, 500);
    expect(ids).toEqual([sharesTwo, sameAuthor]);
  });

  it("answers NOT_FOUND for an absent book and INVALID_ARGUMENT for a limit outside 1..50", async () => {
    const { directory } = fakeCategories({});
    const absent = await recommendBookIds(db.pool, directory, { bookId: randomUUID(), limit: 5 }, 500).catch((e: unknown) => e);
    expect(ConnectError.from(absent).code).toBe(Code.NotFound);
    const tooMany = await recommendBookIds(db.pool, directory, { bookId: target, limit: 51 }, 500).catch((e: unknown) => e);
    expect(ConnectError.from(tooMany).code).toBe(Code.InvalidArgument);
  });
});
