import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { loadMigrations } from "@lms/platform";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMigrationPair, nextVersion } from "./create-table.js";

describe("createMigrationPair", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "lms-create-table-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("numbers pairs 0001, then 0002, each with a comment header", async () => {
    const first = await createMigrationPair(dir, "create_loans", new Date("2030-01-02T00:00:00Z"));
    const second = await createMigrationPair(dir, "add_due_index");
    expect(basename(first.up)).toBe("0001_create_loans.up.sql");
    expect(basename(first.down)).toBe("0001_create_loans.down.sql");
    expect([second.version, basename(second.up), basename(second.down)]).toEqual([
      2,
      "0002_add_due_index.up.sql",
      "0002_add_due_index.down.sql",
    ]);
    expect(await readFile(first.up, "utf8")).toMatch(/^-- 0001_create_loans \(up\), created 2030-01-02\./);
    expect(await readFile(first.down, "utf8")).toMatch(/^-- 0001_create_loans \(down\)/);
  });

  it("writes pairs the migration runner accepts", async () => {
    await createMigrationPair(dir, "create_loans");
    expect((await loadMigrations(dir)).map((m) => [m.version, m.name])).toEqual([[1, "create_loans"]]);
  });

  it("continues after the highest existing number, gaps included", async () => {
    await writeFile(join(dir, "0007_old.up.sql"), "");
    await writeFile(join(dir, "0007_old.down.sql"), "");
    await writeFile(join(dir, "README.md"), "");
    expect(basename((await createMigrationPair(dir, "next")).up)).toBe("0008_next.up.sql");
  });

  it.each(["Create_Loans", "create-loans", "", "drop table;", "../escape"])("refuses the name %j and writes nothing", async (seq) => {
    await expect(createMigrationPair(dir, seq)).rejects.toThrow(/invalid --seq/);
    expect(await readdir(dir)).toEqual([]);
  });

  it("creates the migrations folder when it is missing", async () => {
    const pair = await createMigrationPair(join(dir, "migrations"), "first");
    expect(basename(pair.up)).toBe("0001_first.up.sql");
  });
});

describe("nextVersion", () => {
  it("is 1 for no migrations and ignores other files", () => {
    expect(nextVersion([])).toBe(1);
    expect(nextVersion(["notes.txt", "1_bad.up.sql"])).toBe(1);
    expect(nextVersion(["0001_a.up.sql", "0001_a.down.sql", "0012_b.up.sql"])).toBe(13);
  });
});
