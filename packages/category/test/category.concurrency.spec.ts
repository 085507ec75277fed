import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Body, type CategoryTestApp, startCategoryTestApp } from "./category-test-app.js";

// Races through REST with 20 real connections: the invariants must hold whatever the interleaving.
describe("category service under concurrency (real PostgreSQL)", () => {
  let t: CategoryTestApp;
  let ids: string[];

  beforeAll(async () => {
    t = await startCategoryTestApp({ DB_MAX_OPEN_CONNS: "20" });
    ids = [];
    for (let i = 0; i < 10; i++) ids.push(await createCategory(`Race ${i}`));
  });
  afterAll(async () => t?.stop());

  async function createCategory(name: string, parentId = ""): Promise<string> {
    const res = await t.call("POST", "/api/v1/categories", { name, parentId });
    if (res.status !== 201) throw new Error(`create ${name}: ${res.status}`);
    return String(res.body.id);
  }
  const linkRows = async (itemId: string) =>
    (await t.app.db.pool.query<{ category_id: string }>("select category_id from item_categories where item_id = $1", [itemId])).rows.map(
      (r) => r.category_id,
    );

  it("20 racing replacements of one item's set leave exactly one requested set, each report exact", async () => {
    const item = randomUUID();
    const sets = Array.from({ length: 20 }, (_, n) => ids.filter((_, i) => ((n + 1) >> (i % 5)) & 1 || i === n % 10).sort());
    const results = await Promise.all(sets.map((categoryIds) => t.call("PUT", `/api/v1/items/${item}/categories`, { categoryIds })));
    expect(results.map((r) => r.status)).toEqual(sets.map(() => 200));
    const final = (await linkRows(item)).sort();
    expect(new Set(final).size).toBe(final.length);
    expect(sets.map((s) => s.join())).toContain(final.join());
    // Applied one after another, the reports add up: +1 per add, -1 per removal gives the final set.
    for (const id of ids) {
      const net = results.reduce((n, r) => n + count(r.body.addedCategoryIds, id) - count(r.body.removedCategoryIds, id), 0);
      expect(net).toBe(final.includes(id) ? 1 : 0);
    }
  });

  it("20 racing bulk adds of overlapping ids add each id exactly once in total", async () => {
    const item = randomUUID();
    const windows = Array.from({ length: 20 }, (_, n) => [0, 1, 2, 3, 4].map((k) => ids[(n + k) % ids.length]));
    const results = await Promise.all(
      windows.map((categoryIds) => t.call("POST", "/api/v1/categories/bulk-add-item", { itemId: item, categoryIds })),
    );
    expect(results.map((r) => r.status)).toEqual(windows.map(() => 200));
    const added = results.flatMap((r) => r.body.addedCategoryIds as string[]);
    expect(added.sort()).toEqual([...new Set(windows.flat())].sort());
    expect((await linkRows(item)).sort()).toEqual(added);
  });

  it("racing moves A under B and B under A: at most one succeeds, never a cycle", async () => {
    for (let round = 0; round < 10; round++) {
      const a = await createCategory(`Swap A${round}`);
      const b = await createCategory(`Swap B${round}`);
      const [ab, ba] = await Promise.all([
        t.call("PUT", `/api/v1/categories/${a}`, { name: `Swap A${round}`, parentId: b }),
        t.call("PUT", `/api/v1/categories/${b}`, { name: `Swap B${round}`, parentId: a }),
      ]);
      expect([ab.status, ba.status].sort()).toEqual([200, 400]);
      expect((ab.status === 400 ? ab : ba).body.message).toContain("parentId");
    }
    expect(await categoriesInACycle()).toEqual([]);
  });

  it("racing moves around a triangle close no cycle", async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b, c] = [
        await createCategory(`Tri A${round}`),
        await createCategory(`Tri B${round}`),
        await createCategory(`Tri C${round}`),
      ];
      const moves: [string, string, string][] = [
        [a, b, "A"],
        [b, c, "B"],
        [c, a, "C"],
      ];
      const results = await Promise.all(
        moves.map(([id, parentId, tag]) => t.call("PUT", `/api/v1/categories/${id}`, { name: `Tri ${tag}${round}`, parentId })),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(2);
    }
    expect(await categoriesInACycle()).toEqual([]);
  });

  it("deleting a parent while children are added under it answers only 200, 400 or 404, and leaves no orphan", async () => {
    const parent = await createCategory("Contested Parent");
    const creates = Array.from({ length: 10 }, (_, i) =>
      t.call("POST", "/api/v1/categories", { name: `Contested ${i}`, parentId: parent }),
    );
    const links = Array.from({ length: 5 }, () => t.call("PUT", `/api/v1/items/${randomUUID()}/categories`, { categoryIds: [parent] }));
    const del = t.call("DELETE", `/api/v1/categories/${parent}`);
    const statuses = (await Promise.all([...creates, ...links, del])).map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 201 || s === 400 || s === 404)).toBe(true);
    const orphans = await t.app.db.pool.query(
      "select 1 from categories c where c.parent_id is not null and not exists (select 1 from categories p where p.id = c.parent_id)",
    );
    expect(orphans.rowCount).toBe(0);
  });

  /** Ids of categories that are their own ancestor (must stay empty). */
  async function categoriesInACycle(): Promise<string[]> {
    const { rows } = await t.app.db.pool.query<{ id: string }>(
      `with recursive up (start, id, depth) as (
         select id, parent_id, 1 from categories where parent_id is not null
         union all
         select up.start, c.parent_id, up.depth + 1 from up join categories c on c.id = up.id
         where c.parent_id is not null and up.id <> up.start and up.depth < 1000
       )
       select distinct start as id from up where id = start`,
    );
    return rows.map((r) => r.id);
  }
});

function count(list: Body[keyof Body] | undefined, id: string): number {
  return Array.isArray(list) ? list.filter((x) => x === id).length : 0;
}
