import { Code, ConnectError } from "@connectrpc/connect";
import { inTransaction, type Logger } from "@lms/platform";
import type pg from "pg";

/** A change on another service that belongs to a local write, with the way to take it back. */
export interface RemoteChange {
  /** What it does, for the log when undoing fails ("link book … to categories …"). */
  what: string;
  apply(): Promise<unknown>;
  /** Puts the other service back as it was before `apply`. */
  undo(): Promise<unknown>;
}

/**
 * Codes after which a failed call may still have changed the other side: the deadline passed
 * or the answer was lost. Other refusals (NOT_FOUND, UNAVAILABLE before connecting, …) changed nothing.
 */
const OUTCOME_UNKNOWN = new Set<Code>([Code.DeadlineExceeded, Code.Canceled, Code.Unknown, Code.Internal, Code.DataLoss]);

/**
 * Runs a write that touches this database and one other service so that both happen or neither
 * does (DESIGN.md §6). `work` makes the local changes in a transaction and names the remote
 * change; that change is applied last, just before COMMIT, so every local refusal comes first
 * and a remote refusal rolls the local work back. If COMMIT then fails, or the remote call ends
 * without saying whether it happened, the remote change is undone (best effort: a failed undo
 * is logged with what is left to repair).
 */
export async function writeWithRemote<T>(
  pool: pg.Pool,
  log: Logger,
  work: (tx: pg.PoolClient) => Promise<{ result: T; remote?: RemoteChange }>,
): Promise<T> {
  let attempted: RemoteChange | undefined;
  let applied = false;
  try {
    return await inTransaction(pool, async (tx) => {
      const { result, remote } = await work(tx);
      if (remote) {
        attempted = remote;
        await remote.apply();
        applied = true;
      }
      return result;
    });
  } catch (err) {
    if (attempted && (applied || OUTCOME_UNKNOWN.has(ConnectError.from(err).code))) await undoLogged(attempted, log, err);
    throw err;
  }
}

async function undoLogged(change: RemoteChange, log: Logger, cause: unknown): Promise<void> {
  try {
    await change.undo();
    log.warn({ err: cause }, `undid "${change.what}" after the local write failed`);
  } catch (err) {
    log.error({ err, cause }, `could not undo "${change.what}" after the local write failed: repair by hand`);
  }
}
