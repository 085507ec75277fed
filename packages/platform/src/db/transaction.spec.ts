import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/test-database.js";
import { inTransaction } from "./transaction.js";

// The hooks' guarantees, on a real PostgreSQL: what another connection sees at each step.
describe("inTransaction on a real server", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let observer: pg.Pool;
  const committed = async () => (await observer.query<{ n: string }>("select n from note order by n")).rows.map((r) => r.n);

  beforeAll(async () => {
    database = await createTestDatabase("platform_transaction");
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    observer = new pg.Pool({ connectionString: database.url, max: 1 });
    await pool.query("create table note (n text primary key)");
    // COMMIT itself fails for the note 'fail at commit' (a deferred check).
    await pool.query(`
      create function refuse_note() returns trigger language plpgsql as
        $$ begin if new.n = 'fail at commit' then raise exception 'refused at commit'; end if; return new; end $$;
      create constraint trigger refuse_at_commit after insert on note deferrable initially deferred
        for each row execute function refuse_note();`);
  });
  beforeEach(async () => {
    await pool.query("truncate note");
  });
  afterAll(async () => {
    await pool?.end();
    await observer?.end();
    await database?.drop();
  });

  it("runs beforeCommit hooks inside the transaction after the work, in order, then commits", async () => {
    const steps: string[] = [];
    const result = await inTransaction(pool, async (tx) => {
      await tx.query("insert into note values ('a')");
      tx.beforeCommit(async () => {
        const own = await tx.query<{ n: string }>("select n from note");
        steps.push(`first hook sees [${own.rows.map((r) => r.n)}], others see [${await committed()}]`);
        await tx.query("insert into note values ('b')");
      });
      tx.beforeCommit(async () => void steps.push("second hook"));
      steps.push("work done");
      return "result";
    });
    expect(result).toBe("result");
    expect(steps).toEqual(["work done", "first hook sees [a], others see []", "second hook"]);
    expect(await committed()).toEqual(["a", "b"]);
  });

  it("rolls back when a beforeCommit hook fails, raises its error and runs no afterCommit hook", async () => {
    let after = false;
    const failure = inTransaction(pool, async (tx) => {
      await tx.query("insert into note values ('a')");
      tx.beforeCommit(async () => {
        throw new Error("peer refused");
      });
      tx.afterCommit(() => {
        after = true;
      });
    });
    await expect(failure).rejects.toThrow("peer refused");
    expect(after).toBe(false);
    expect(await committed()).toEqual([]);
  });

  it("runs afterCommit hooks only once the commit is visible to others, before the caller gets the result", async () => {
    const seen: string[][] = [];
    const result = await inTransaction(pool, async (tx) => {
      await tx.query("insert into note values ('a')");
      tx.afterCommit(async () => void seen.push(await committed()));
      tx.afterCommit(() => void seen.push(["second"]));
      return seen.length;
    });
    expect(result).toBe(0);
    expect(seen).toEqual([["a"], ["second"]]);
  });

  it("runs no afterCommit hook when the work fails", async () => {
    let after = false;
    const failure = inTransaction(pool, async (tx) => {
      await tx.query("insert into note values ('a')");
      tx.afterCommit(() => {
        after = true;
      });
      throw new Error("refused");
    });
    await expect(failure).rejects.toThrow("refused");
    expect(after).toBe(false);
    expect(await committed()).toEqual([]);
  });

  it("runs no afterCommit hook when COMMIT itself fails, after the beforeCommit hooks ran", async () => {
    const steps: string[] = [];
    const failure = inTransaction(pool, async (tx) => {
      await tx.query("insert into note values ('fail at commit')");
      tx.beforeCommit(async () => void steps.push("before"));
      tx.afterCommit(() => void steps.push("after"));
    });
    await expect(failure).rejects.toThrow("refused at commit");
    expect(steps).toEqual(["before"]);
    expect(await committed()).toEqual([]);
  });

  it("takes no connection until the first statement: a check failing before any SQL leaves the pool untouched", async () => {
    const idle = new pg.Pool({ connectionString: database.url, max: 1 });
    try {
      await expect(
        inTransaction(idle, async () => {
          throw new Error("invalid input");
        }),
      ).rejects.toThrow("invalid input");
      expect(idle.totalCount).toBe(0);
      expect(await inTransaction(idle, async (tx) => (await tx.query<{ one: number }>("select 1 as one")).rows[0]?.one)).toBe(1);
      expect(idle.totalCount).toBe(1);
      expect(idle.idleCount).toBe(1); // released after COMMIT
    } finally {
      await idle.end();
    }
  });

  it("refuses a statement on a transaction that has ended", async () => {
    let kept: Parameters<Parameters<typeof inTransaction>[1]>[0] | undefined;
    await inTransaction(pool, async (tx) => {
      kept = tx;
      await tx.query("select 1");
    });
    await expect(kept?.query("select 1")).rejects.toThrow("has ended");
  });
});
