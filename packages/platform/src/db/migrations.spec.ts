import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadMigrations } from "./migrations.js";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "migrations-spec-"));
});

afterEach(() => rm(dir, { recursive: true, force: true }));

/** Writes each file with its own name as content, so pairing mistakes show. */
async function files(...names: string[]): Promise<void> {
  for (const name of names) await writeFile(join(dir, name), `-- ${name}`);
}

describe("loadMigrations", () => {
  it("pairs up and down files in numeric version order", async () => {
    await files(
      "0010_add_index.down.sql",
      "0002_add_books.up.sql",
      "0001_create_authors.up.sql",
      "0010_add_index.up.sql",
      "0002_add_books.down.sql",
      "0001_create_authors.down.sql",
    );
    expect(await loadMigrations(dir)).toEqual([
      { version: 1, name: "create_authors", up: "-- 0001_create_authors.up.sql", down: "-- 0001_create_authors.down.sql" },
      { version: 2, name: "add_books", up: "-- 0002_add_books.up.sql", down: "-- 0002_add_books.down.sql" },
      { version: 10, name: "add_index", up: "-- 0010_add_index.up.sql", down: "-- 0010_add_index.down.sql" },
    ]);
  });

  it("ignores files that are not numbered migrations", async () => {
    await files(
      "0001_init.up.sql",
      "0001_init.down.sql",
      "README.md",
      "0002_notes.sql",
      "3_short.up.sql",
      "0004_Upper.up.sql",
      "0005_x.up.sql.bak",
    );
    await mkdir(join(dir, "0006_dir.up.sql.d"));
    expect((await loadMigrations(dir)).map((m) => m.version)).toEqual([1]);
  });

  it("gives an empty list for a directory without migrations", async () => {
    expect(await loadMigrations(dir)).toEqual([]);
  });

  it.each([
    ["down", "0001_init.up.sql"],
    ["up", "0001_init.down.sql"],
  ])("throws when the %s half of a pair is missing", async (_missing, present) => {
    await files("0002_ok.up.sql", "0002_ok.down.sql", present);
    await expect(loadMigrations(dir)).rejects.toThrow(/init needs both an \.up\.sql and a \.down\.sql/);
  });

  it("throws when two migrations share a version", async () => {
    await files("0001_authors.up.sql", "0001_authors.down.sql", "0001_books.up.sql", "0001_books.down.sql");
    await expect(loadMigrations(dir)).rejects.toThrow(/share version 0001/);
  });

  it("throws when the halves of a version carry different names", async () => {
    await files("0001_authors.up.sql", "0001_author.down.sql");
    await expect(loadMigrations(dir)).rejects.toThrow(/0001_author and 0001_authors share version/);
  });

  it("throws when the directory does not exist", async () => {
    await expect(loadMigrations(join(dir, "missing"))).rejects.toThrow(/ENOENT/);
  });
});
