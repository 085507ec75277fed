import { describe, expect, it } from "vitest";
import { createPolicyCache } from "./loan-policy.cache.js";
import type { LoanPolicy } from "./loan-policy.js";

const base: LoanPolicy = { patronGroup: "*", loanType: "*", loanable: true, loanDays: 14, maxRenewals: 2, maxLoans: 5 };

/** A table whose reads the spec counts, holds open and releases one at a time. */
function fakeTable(rows: LoanPolicy[]) {
  const table = {
    rows,
    reads: 0,
    held: [] as (() => void)[],
    hold: false,
    load: async () => {
      table.reads++;
      const snapshot = table.rows.map((r) => ({ ...r }));
      if (table.hold) await new Promise<void>((resolve) => table.held.push(resolve));
      return snapshot;
    },
  };
  return table;
}

const fallback = { ...base, loanDays: 99 };

describe("the policy cache", () => {
  it("reads the table once while listening and nothing changes", async () => {
    const table = fakeTable([base]);
    const cache = createPolicyCache({ load: table.load, feed: { listening: true }, fallback });
    for (let i = 0; i < 5; i++) expect((await cache.policyFor("student", "book")).loanDays).toBe(14);
    expect(table.reads).toBe(1);
  });

  it("reloads after an invalidation and serves the new rows", async () => {
    const table = fakeTable([base]);
    const cache = createPolicyCache({ load: table.load, feed: { listening: true }, fallback });
    await cache.policyFor("student", "book");
    table.rows = [{ ...base, loanDays: 21 }];
    cache.invalidate();
    expect((await cache.policyFor("student", "book")).loanDays).toBe(21);
    expect(table.reads).toBe(2);
  });

  it("shares one read among concurrent callers", async () => {
    const table = fakeTable([base]);
    const cache = createPolicyCache({ load: table.load, feed: { listening: true }, fallback });
    await Promise.all(Array.from({ length: 10 }, () => cache.policyFor("a", "b")));
    expect(table.reads).toBe(1);
  });

  it("never keeps a read begun before an invalidation, and callers after it never join that read", async () => {
    const table = fakeTable([base]);
    table.hold = true;
    const cache = createPolicyCache({ load: table.load, feed: { listening: true }, fallback });
    const early = cache.policyFor("a", "b"); // reads the old rows, then waits
    table.rows = [{ ...base, loanDays: 30 }];
    cache.invalidate(); // the change notice arrives while that read is out
    const late = cache.policyFor("a", "b");
    expect(table.reads).toBe(2);
    for (const release of table.held.splice(0)) release();
    expect((await early).loanDays).toBe(14);
    expect((await late).loanDays).toBe(30);
    table.hold = false;
    expect((await cache.policyFor("a", "b")).loanDays).toBe(30);
    expect(table.reads).toBe(2); // the late read was kept
  });

  it("keeps nothing while not listening: every call reads the table", async () => {
    const table = fakeTable([base]);
    const feed = { listening: false };
    const cache = createPolicyCache({ load: table.load, feed, fallback });
    await cache.policyFor("a", "b");
    table.rows = [{ ...base, loanDays: 7 }];
    expect((await cache.policyFor("a", "b")).loanDays).toBe(7);
    expect(table.reads).toBe(2);
    feed.listening = true;
    cache.invalidate();
    await cache.policyFor("a", "b");
    await cache.policyFor("a", "b");
    expect(table.reads).toBe(3);
  });

  it("passes a failed read on and tries again on the next call", async () => {
    let fail = true;
    const cache = createPolicyCache({
      load: async () => {
        if (fail) throw new Error("database down");
        return [base];
      },
      feed: { listening: true },
      fallback,
    });
    await expect(cache.policyFor("a", "b")).rejects.toThrow("database down");
    fail = false;
    expect((await cache.policyFor("a", "b")).loanDays).toBe(14);
  });

  it("resolves against one snapshot: a row set swapped under it is never mixed in", async () => {
    const table = fakeTable([base, { ...base, patronGroup: "student", loanDays: 3 }]);
    const cache = createPolicyCache({ load: table.load, feed: { listening: true }, fallback });
    const before = await cache.snapshot();
    table.rows = [{ ...base, loanDays: 40 }];
    cache.invalidate();
    const after = await cache.snapshot();
    expect([...before.values()].map((r) => r.loanDays)).toEqual([14, 3]);
    expect([...after.values()].map((r) => r.loanDays)).toEqual([40]);
  });
});
