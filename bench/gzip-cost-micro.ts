import { randomUUID } from "node:crypto";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

// CPU cost of compressing one ~20 KB REST answer (a ListBooks page of 46 books with every field
// emitted, ids random so it compresses like real data), per zlib setting, beside the cost of
// serialising the same JSON. Picks the level of packages/platform/src/rest/compression.ts.
// Run: node --import tsx bench/gzip-cost-micro.ts

const book = (i: number) => ({
  id: randomUUID(),
  title: `Title ${Math.random().toString(36).slice(2)} ${i}`,
  isbn: "9780441478125",
  authorId: randomUUID(),
  categoryIds: [randomUUID()],
  publisher: "Ace Books",
  publishedYear: 1969,
  language: "en",
  description: "A study of gender on the planet Gethen.",
  totalCopies: 3,
  availableCopies: 2,
  createdAt: "2026-12-05T04:00:00.123Z",
  updatedAt: "2026-12-05T04:00:00.123Z",
});
const page = { books: Array.from({ length: 46 }, (_, i) => book(i)), nextPageToken: "eyJvIjo1MH0", totalSize: 1000 };
const body = Buffer.from(JSON.stringify(page));

const candidates: [string, () => Buffer][] = [
  ["gzip level 1", () => gzipSync(body, { level: 1 })],
  ["gzip level 6 (zlib default)", () => gzipSync(body)],
  ["brotli quality 4", () => brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } })],
  ["JSON.stringify (for scale)", () => Buffer.from(JSON.stringify(page))],
];

/** CPU ms (this process) per call of one batch. */
function batch(run: () => Buffer, rounds: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < rounds; i++) run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / rounds / 1000;
}

// Interleaved batches, best of ten per candidate: the order of the list does not favour anyone.
const best = candidates.map(() => Number.POSITIVE_INFINITY);
for (let round = 0; round < 10; round++) {
  candidates.forEach(([, run], i) => {
    best[i] = Math.min(best[i], batch(run, 300));
  });
}
candidates.forEach(([name, run], i) => {
  const size = String(run().length).padStart(5);
  console.log(`${name.padEnd(28)} ${body.length} B -> ${size} B  ${best[i].toFixed(3)} ms CPU each`);
});
