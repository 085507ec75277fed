import { Code, ConnectError } from "@connectrpc/connect";
import type { Logger } from "@lms/platform";
import type pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { type RemoteChange, writeWithRemote } from "./remote-change.js";

/** A pool whose one client records statements and fails COMMIT on demand. */
function fakePool(opts: { failCommit?: boolean } = {}) {
  const statements: string[] = [];
  const client = {
    async query(sql: string) {
      statements.push(sql);
      if (sql === "COMMIT" && opts.failCommit) throw new Error("connection lost at commit");
      return { rows: [], rowCount: 0 };
    },
    release() {},
  };
  return { pool: { connect: async () => client } as unknown as pg.Pool, statements };
}

const log = { warn: vi.fn(), error: vi.fn() } as unknown as Logger;

function change(apply: () => Promise<unknown> = async () => undefined) {
  const calls: string[] = [];
  const remote: RemoteChange = {
    what: "link",
    apply: async () => {
      calls.push("apply");
      return apply();
    },
    undo: async () => {
      calls.push("undo");
    },
  };
  return { remote, calls };
}

describe("writeWithRemote", () => {
  it("applies the remote change last, then commits; nothing is undone", async () => {
    const { pool, statements } = fakePool();
    const { remote, calls } = change();
    const result = await writeWithRemote(pool, log, async (tx) => {
      await tx.query("insert");
      return { result: 42, remote };
    });
    expect(result).toBe(42);
    expect(statements).toEqual(["BEGIN", "insert", "COMMIT"]);
    expect(calls).toEqual(["apply"]);
  });

  it("rolls back and undoes nothing when the remote side refuses (nothing happened there)", async () => {
    const { pool, statements } = fakePool();
    const { remote, calls } = change(async () => {
      throw new ConnectError("category x not found", Code.NotFound);
    });
    await expect(writeWithRemote(pool, log, async () => ({ result: 1, remote }))).rejects.toMatchObject({ code: Code.NotFound });
    expect(statements).toEqual(["BEGIN", "ROLLBACK"]);
    expect(calls).toEqual(["apply"]);
  });

  it("undoes the remote change when COMMIT fails after it", async () => {
    const { pool } = fakePool({ failCommit: true });
    const { remote, calls } = change();
    await expect(writeWithRemote(pool, log, async () => ({ result: 1, remote }))).rejects.toThrow("connection lost at commit");
    expect(calls).toEqual(["apply", "undo"]);
  });

  it("undoes when the remote call ends without saying whether it happened (deadline)", async () => {
    const { pool } = fakePool();
    const { remote, calls } = change(async () => {
      throw new ConnectError("too slow", Code.DeadlineExceeded);
    });
    await expect(writeWithRemote(pool, log, async () => ({ result: 1, remote }))).rejects.toMatchObject({ code: Code.DeadlineExceeded });
    expect(calls).toEqual(["apply", "undo"]);
  });

  it("rolls back without touching the remote side when the local work fails first", async () => {
    const { pool, statements } = fakePool();
    const work = async (): Promise<{ result: number; remote: RemoteChange }> => {
      throw new ConnectError("taken", Code.AlreadyExists);
    };
    await expect(writeWithRemote(pool, log, work)).rejects.toMatchObject({ code: Code.AlreadyExists });
    expect(statements).toEqual(["BEGIN", "ROLLBACK"]);
  });

  it("logs an undo that fails, with what is left to repair, and still answers the original error", async () => {
    const { pool } = fakePool({ failCommit: true });
    const broken: RemoteChange = { what: "link book", apply: async () => undefined, undo: () => Promise.reject(new Error("down")) };
    await expect(writeWithRemote(pool, log, async () => ({ result: 1, remote: broken }))).rejects.toThrow("connection lost");
    expect(log.error).toHaveBeenCalledWith(expect.anything(), expect.stringContaining('could not undo "link book"'));
  });
});
