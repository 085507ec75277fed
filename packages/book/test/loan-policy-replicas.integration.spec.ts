import { createLogger, migrateUp, migrationsDirOf } from "@lms/platform";
import { createTestDatabase, type TestDatabase } from "@lms/platform/testing/test-database";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLoanPolicies, type LoanPolicyRuntime } from "../src/domain/loan-policies.js";
import { type LoanPolicy, policyKeyOf } from "../src/domain/loan-policy.js";
import * as policies from "../src/domain/loan-policy.service.js";

// Several book processes share one database: each has its own pool and policy cache, as two
// replicas do. A change made through one must reach the other's cache, and no reader may see
// half of a change. Eventual conditions are awaited with vi.waitFor (no timing is asserted).
const RULES = { loanDays: 14, maxActiveLoans: 5 };
const log = createLogger("book", "silent");
/** Waits until `check` passes (a notice travels between connections); only the outcome is asserted. */
const eventually = (check: () => unknown) => vi.waitFor(check, { timeout: 15_000, interval: 20 });
/** Lets I/O run between reads that the cache answers from memory (a loop of them would starve it). */
const yieldToIo = () => new Promise((resolve) => setImmediate(resolve));

interface Replica {
  pool: pg.Pool;
  runtime: LoanPolicyRuntime;
}

describe("loan policies across replicas", () => {
  let database: TestDatabase;
  let admin: pg.Pool;
  const replicas: Replica[] = [];

  const replica = async (name: string, retryMs?: number): Promise<Replica> => {
    const pool = new pg.Pool({ connectionString: database.url, max: 5, application_name: name });
    pool.on("error", () => {});
    const runtime = await createLoanPolicies(pool, RULES, log, retryMs);
    await runtime.start();
    const made = { pool, runtime };
    replicas.push(made);
    return made;
  };
  const put = (r: Replica, p: LoanPolicy) => policies.putPolicy(r.pool, r.runtime.cache, p);
  /** A change the trigger does not announce (triggers off for this session): only an uncached read sees it. */
  const silentUpdate = (sql: string) =>
    admin.query(`set session_replication_role = replica; ${sql}; set session_replication_role = origin`);
  const killListeners = (name: string) =>
    admin.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and datname = current_database()", [
      `${name}-listen`,
    ]);
  const student = (n: number): LoanPolicy => ({
    patronGroup: "student",
    loanType: "dvd",
    loanable: n % 2 === 0,
    loanDays: n,
    maxRenewals: n,
    maxLoans: n,
  });

  beforeAll(async () => {
    database = await createTestDatabase("book_policies");
    admin = new pg.Pool({ connectionString: database.url, max: 2 });
    admin.on("error", () => {});
    await migrateUp(admin, migrationsDirOf("book"));
  });
  afterAll(async () => {
    await Promise.all(replicas.map(async (r) => [await r.runtime.close(), await r.pool.end()]));
    await admin?.end();
    await database?.drop();
  });

  it("creates the (*, *) row at the first start only; a later start with other settings keeps it", async () => {
    const first = await replica("first");
    await createLoanPolicies(first.pool, { loanDays: 30, maxActiveLoans: 9 }, log);
    expect((await admin.query("select * from loan_policies")).rows).toMatchObject([
      { patron_group: "*", loan_type: "*", loanable: true, loan_days: 14, max_renewals: 2, max_loans: 5 },
    ]);
  });

  it("a Put or Delete through one replica reaches the other's cache", async () => {
    const [a, b] = [await replica("put_a"), await replica("put_b")];
    expect(b.runtime.listening).toBe(true);
    expect((await b.runtime.cache.policyFor("student", "dvd")).loanDays).toBe(14);
    await silentUpdate("update loan_policies set loan_days = 99 where patron_group = '*'");
    expect((await b.runtime.cache.policyFor("student", "dvd")).loanDays).toBe(14); // cached: not read again
    await put(a, student(20));
    await eventually(async () => expect(await b.runtime.cache.policyFor("student", "dvd")).toEqual(student(20)));
    expect((await b.runtime.cache.policyFor("staff", "book")).loanDays).toBe(99); // the reload read the whole table
    expect(await a.runtime.cache.policyFor("student", "dvd")).toEqual(student(20)); // the writer's own cache at once
    await policies.deletePolicy(a.pool, a.runtime.cache, { patronGroup: "student", loanType: "dvd" });
    await eventually(async () => expect((await b.runtime.cache.policyFor("student", "dvd")).loanDays).toBe(99));
  });

  it("a replica that cannot hear changes reads the table instead of trusting its copy", async () => {
    const deaf = await replica("deaf", 3_600_000); // no reconnect within this spec
    await deaf.runtime.cache.policyFor("x", "y");
    await killListeners("deaf");
    await eventually(() => expect(deaf.runtime.listening).toBe(false));
    await silentUpdate("update loan_policies set loan_days = 6 where patron_group = '*'");
    expect((await deaf.runtime.cache.policyFor("x", "y")).loanDays).toBe(6);
    await silentUpdate("update loan_policies set loan_days = 7 where patron_group = '*'");
    expect((await deaf.runtime.cache.policyFor("x", "y")).loanDays).toBe(7); // the read before was not kept
  });

  it("a replica whose listener was cut reconnects and hears changes again", async () => {
    const [a, b] = [await replica("cut_a"), await replica("cut_b", 50)];
    const pid = async () => (await admin.query("select pid from pg_stat_activity where application_name = 'cut_b-listen'")).rows[0]?.pid;
    const before = await pid();
    await killListeners("cut_b");
    await eventually(async () => {
      expect(b.runtime.listening).toBe(true);
      expect(await pid()).toEqual(expect.any(Number));
      expect(await pid()).not.toBe(before);
    });
    await put(a, student(39));
    await eventually(async () => expect(await b.runtime.cache.policyFor("student", "dvd")).toEqual(student(39))); // cached now
    await put(a, student(40));
    await eventually(async () => expect(await b.runtime.cache.policyFor("student", "dvd")).toEqual(student(40)));
  });

  it("racing Puts of one key leave exactly one of them whole, and readers never see a mix", async () => {
    const [a, b] = [await replica("race_a"), await replica("race_b")];
    await put(a, student(0));
    let racing = true;
    const seen: LoanPolicy[] = [];
    const read = async (r: Replica) => {
      while (racing) {
        seen.push(await r.runtime.cache.policyFor("student", "dvd"));
        await yieldToIo();
      }
    };
    const readers = [read(a), read(b), read(a), read(b)];
    await Promise.all(Array.from({ length: 40 }, (_, i) => put(i % 2 ? a : b, student(i + 1))));
    racing = false;
    await Promise.all(readers);
    for (const p of seen) expect(p).toEqual(student(p.loanDays));
    const [row] = (
      await admin.query("select loanable, loan_days, max_renewals, max_loans from loan_policies where patron_group = 'student'")
    ).rows;
    expect(row).toEqual({
      loanable: row.loan_days % 2 === 0,
      loan_days: row.loan_days,
      max_renewals: row.loan_days,
      max_loans: row.loan_days,
    });
    for (const r of [a, b])
      await eventually(async () => expect((await r.runtime.cache.policyFor("student", "dvd")).loanDays).toBe(row.loan_days));
  });

  it("a change of several rows in one transaction is seen whole or not at all", async () => {
    const [, b] = [await replica("tx_a"), await replica("tx_b")];
    await admin.query(
      "insert into loan_policies values ('teen', '*', true, 1, 1, 1), ('*', 'comic', true, 1, 1, 1) on conflict do nothing",
    );
    let racing = true;
    const pairs: number[][] = [];
    const read = async () => {
      while (racing) {
        const snap = await b.runtime.cache.snapshot();
        pairs.push([snap.get(policyKeyOf("teen", "*"))?.loanDays ?? -1, snap.get(policyKeyOf("*", "comic"))?.loanDays ?? -1]);
        await yieldToIo();
      }
    };
    const readers = [read(), read()];
    for (let n = 2; n <= 30; n++) {
      await admin.query(`begin; update loan_policies set loan_days = ${n} where patron_group = 'teen';
        update loan_policies set loan_days = ${n} where loan_type = 'comic'; commit`);
    }
    await eventually(async () => expect((await b.runtime.cache.policyFor("teen", "x")).loanDays).toBe(30));
    racing = false;
    await Promise.all(readers);
    for (const [teen, comic] of pairs) expect(teen).toBe(comic);
  });
});
