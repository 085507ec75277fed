import { randomUUID } from "node:crypto";
import { ItemCategoriesCache } from "../packages/book/src/clients/item-categories-cache.js";

// The whole category cache (change 12 in docs/performance.md) with one large category: 100 000
// books, a third of them in one category, the rest spread over 499 small ones. Prints the time of
// the two questions the cache answers for ListBooks `categoryId` and recommendations, beside the
// same answers computed by sorting the members on every request (its first version), measured in
// the same run. Run: node --import tsx bench/category-cache-micro.ts

const BOOKS = 100_000;
const cache = new ItemCategoriesCache(250_000);
cache.goLive();
const load = cache.beginFullLoad();
const categories = Array.from({ length: 500 }, () => randomUUID());
const [big, ...small] = categories;
const links = new Map<string, string[]>();
for (let i = 0; i < BOOKS; i++) links.set(randomUUID(), [small[i % small.length], ...(i % 3 === 0 ? [big] : [])].sort());
cache.finishFullLoad(load, links);
const inBig = [...links].find(([, c]) => c.includes(big))?.[0] ?? "";

/** Members per category as sets, as the first version kept them; it sorted them on every request. */
const members = new Map<string, Set<string>>();
for (const [id, cs] of links) for (const c of cs) members.set(c, (members.get(c) ?? new Set()).add(id));
const sortedOnEachCall = (category: string) => [...(members.get(category) ?? [])].sort();

function time(name: string, work: () => unknown): void {
  for (let i = 0; i < 3; i++) work();
  const started = performance.now();
  for (let i = 0; i < 10; i++) work();
  console.log(`${name.padEnd(58)} ${((performance.now() - started) / 10).toFixed(2)} ms`);
}

time("first 10 000 members of the large category (cache)", () => cache.itemsInCategories([big], 10_000));
time("first 10 000 members of the large category (sort per call)", () => sortedOnEachCall(big).slice(0, 10_000));
time("first 10 000 members of a small category (cache)", () => cache.itemsInCategories([small[7]], 10_000));
time("500 related items of a book in the large category (cache)", () => cache.relatedItems(inBig, 500));
time("500 related items of that book (count and sort per call)", () => {
  const counts = new Map<string, number>();
  for (const c of links.get(inBig) ?? [])
    for (const other of sortedOnEachCall(c)) if (other !== inBig) counts.set(other, (counts.get(other) ?? 0) + 1);
  return [...counts].sort(([a, m], [b, n]) => n - m || (a < b ? -1 : 1)).slice(0, 500);
});
