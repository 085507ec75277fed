import type { Executor } from "@lms/platform";
import pg from "pg";
import { allItemsChanged, type LinkChange } from "../domain/link-change.js";

/** The NOTIFY channel on which every replica announces its committed link changes. */
const CHANNEL = "item_link_changes";

/** A link change as it travels between replicas; `origin` names the replica that made it. */
export interface LinkNotice {
  origin: string;
  change: LinkChange;
}

/** Announces the change to every listening replica when, and only if, the transaction commits. */
export async function notifyLinkChange(db: Executor, notice: LinkNotice): Promise<void> {
  const payload = JSON.stringify({ origin: notice.origin, itemIds: notice.change.itemIds, all: notice.change.all });
  await db.query("select pg_notify($1, $2)", [CHANNEL, payload]);
}

/** What a listener reports: each notice, and (once) that its connection is gone. */
export interface LinkNoticeHandlers {
  onNotice(notice: LinkNotice): void;
  onLost(err: unknown): void;
}

/** An open LISTEN connection. */
export interface LinkListener {
  close(): Promise<void>;
}

/** How often the listener proves its connection alive, and how long an answer may take. */
const HEARTBEAT_MS = 15_000;
const HEARTBEAT_TIMEOUT_MS = 5_000;

/**
 * LISTENs on its own connection (LISTEN belongs to a session, so never a pool client). Rejects
 * when it cannot; once it has answered, `onLost` is called once if the connection fails or ends
 * for any reason but `close`. A heartbeat query turns a silently dead connection into a failure:
 * an idle LISTEN session would otherwise never notice it and miss notices for good.
 */
export async function listenToLinkChanges(config: pg.ClientConfig, handlers: LinkNoticeHandlers): Promise<LinkListener> {
  const client = new pg.Client({ ...config, query_timeout: HEARTBEAT_TIMEOUT_MS });
  let heartbeat: NodeJS.Timeout | undefined;
  let gone = false;
  const stop = () => {
    gone = true;
    clearInterval(heartbeat);
    return client.end();
  };
  const lost = (err: unknown) => {
    if (gone) return;
    stop().catch(() => undefined);
    if (heartbeat) handlers.onLost(err);
  };
  client.on("error", lost);
  client.on("end", () => lost(new Error("listener connection ended")));
  client.on("notification", (msg) => {
    if (msg.channel === CHANNEL) handlers.onNotice(noticeOf(msg.payload));
  });
  try {
    await client.connect();
    await client.query(`listen ${CHANNEL}`);
  } catch (err) {
    lost(err);
    throw err;
  }
  if (gone) throw new Error("listener connection lost while starting");
  heartbeat = setInterval(() => client.query("select 1").catch(lost), HEARTBEAT_MS).unref();
  return { close: stop };
}

/** Payload → notice. One we cannot read (a hand-made NOTIFY, say) counts as "everything changed", which is always safe. */
function noticeOf(payload: string | undefined): LinkNotice {
  const p = parseJson(payload) as { origin?: unknown; itemIds?: unknown; all?: unknown } | undefined;
  const itemIds = p?.itemIds;
  if (
    typeof p?.origin === "string" &&
    typeof p.all === "boolean" &&
    Array.isArray(itemIds) &&
    itemIds.every((id) => typeof id === "string")
  ) {
    return { origin: p.origin, change: { itemIds, all: p.all } };
  }
  return { origin: "", change: allItemsChanged() };
}

function parseJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? "");
  } catch {
    return undefined;
  }
}
