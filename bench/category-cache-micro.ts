import { randomUUID } from "node:crypto";
import { LinkIndex } from "../packages/book/src/category-replica/link-index.js";

// The book service's category replica (its LinkIndex; change 12 in docs/performance.md) with one
// large category: 100 000 books, a third of them in one category, the rest spread over 499 small
// ones. Prints the time of the two questions the replica answers for ListBooks `categoryId` and
// recommendations, beside the same answers computed by sorting the members on every request
// (its first version), measured in the same run. Run: node --import tsx bench/category-cache-micro.ts

const BOOKS = 100_000;
const index = new LinkIndex();
const categories = Array.from({ length: 500 }, () => randomUUID());
const [big, ...small] = categories;
const links = new Map<string, string[]>();
for (let i = 0; i < BOOKS; i++) links.set(randomUUID(), [small[i % small.length], ...(i % 3 === 0 ? [big] : [])].sort());
const loading = performance.now();
for (const [id, cs] of [...links].sort(([a], [b]) => (a < b ? -1 : 1))) index.set(id, cs); // ListItemLinks order
console.log(`${"load 100 000 items in id order (as listed)".padEnd(58)} ${(performance.now() - loading).toFixed(2)} ms`);
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

time("first 10 000 members of the large category (replica)", () => index.itemsIn([big], 10_000));
time("first 10 000 members of the large category (sort per call)", () => sortedOnEachCall(big).slice(0, 10_000));
time("first 10 000 members of a small category (replica)", () => index.itemsIn([small[7]], 10_000));
time("500 related items of a book in the large category (replica)", () => index.related(inBig, 500));
time("500 related items of that book (count and sort per call)", () => {
  const counts = new Map<string, number>();
  for (const c of links.get(inBig) ?? [])
    for (const other of sortedOnEachCall(c)) if (other !== inBig) counts.set(other, (counts.get(other) ?? 0) + 1);
  return [...counts].sort(([a, m], [b, n]) => n - m || (a < b ? -1 : 1)).slice(0, 500);
});
