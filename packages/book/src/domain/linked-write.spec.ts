import { Code, ConnectError } from "@connectrpc/connect";
import { createLogger, type Transaction } from "@lms/platform";
import { describe, expect, it } from "vitest";
import { type LinkSync, LinkTurnTaken, sendLinksBeforeCommit, takeLinkTurn } from "./linked-write.js";

const ITEM = "7f7c5a9e-2f0a-4d6e-9a47-0c7c1f7d2a11";

/** A transaction that records its statements and keeps its hooks for the spec to run. */
function fakeTx(rowCount = 1) {
  const steps: string[] = [];
  const before: (() => Promise<unknown>)[] = [];
  const tx = {
    query: async (sql: string) => {
      steps.push(sql.split(" ").slice(0, 3).join(" "));
      return { rows: [], rowCount };
    },
    beforeCommit: (hook: () => Promise<unknown>) => void before.push(hook),
    afterCommit: () => undefined,
  } as unknown as Transaction;
  const commit = async () => {
    for (const hook of before) await hook();
  };
  return { tx, steps, commit };
}

function sync(answer: () => Promise<void>, steps: string[]): LinkSync {
  return {
    categories: {
      async setItemLinks(itemId, categoryIds) {
        steps.push(`SetItemLinks ${itemId} [${categoryIds}]`);
        await answer();
        return { categoryIds: [...categoryIds], missing: [] };
      },
    },
    log: createLogger("linked-write-spec", "silent"),
    repairSoon: () => undefined,
  };
}

describe("linked write steps", () => {
  it("sends the set only at commit time, then takes the item off the queue", async () => {
    const { tx, steps, commit } = fakeTx();
    sendLinksBeforeCommit(
      tx,
      sync(async () => {}, steps),
      ITEM,
      ["c1"],
      "token",
    );
    expect(steps).toEqual([]);
    await commit();
    expect(steps).toEqual([`SetItemLinks ${ITEM} [c1]`, "delete from category_link_outbox"]);
  });

  it("sends nothing when the write leaves the links alone, and still unqueues", async () => {
    const { tx, steps, commit } = fakeTx();
    sendLinksBeforeCommit(
      tx,
      sync(async () => {}, steps),
      ITEM,
      undefined,
      "token",
    );
    await commit();
    expect(steps).toEqual(["delete from category_link_outbox"]);
  });

  it("fails the commit as UNAVAILABLE when the peer's answer never came, keeping the item queued", async () => {
    const { tx, steps, commit } = fakeTx();
    const away = async () => {
      throw new ConnectError("deadline", Code.DeadlineExceeded);
    };
    sendLinksBeforeCommit(tx, sync(away, steps), ITEM, ["c1"], "token");
    await expect(commit()).rejects.toMatchObject({ code: Code.Unavailable });
    expect(steps).toEqual([`SetItemLinks ${ITEM} [c1]`]);
  });

  it("passes the peer's refusal through as it is", async () => {
    const { tx, steps, commit } = fakeTx();
    const refuse = async () => {
      throw new ConnectError("category c1 not found", Code.NotFound);
    };
    sendLinksBeforeCommit(tx, sync(refuse, steps), ITEM, ["c1"], "token");
    await expect(commit()).rejects.toMatchObject({ code: Code.NotFound });
  });

  it("takes the item's turn, or says another write or a repair took it", async () => {
    await expect(takeLinkTurn(fakeTx(1).tx, ITEM)).resolves.toBeUndefined();
    await expect(takeLinkTurn(fakeTx(0).tx, ITEM)).rejects.toBeInstanceOf(LinkTurnTaken);
  });
});
