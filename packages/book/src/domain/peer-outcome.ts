import { Code, ConnectError } from "@connectrpc/connect";

/**
 * Codes after which a call to a peer may or may not have taken effect there: the deadline
 * passed, the connection was lost, or the answer never came. A write ending so is finished
 * later by the link reconciler; a read ending so may answer from this service's own copy.
 */
const PEER_AWAY = new Set<Code>([Code.Unavailable, Code.DeadlineExceeded, Code.Canceled, Code.Unknown, Code.Internal, Code.DataLoss]);

/** True when `err` leaves unknown what the peer did (see {@link PEER_AWAY}). */
export function isPeerAway(err: unknown): boolean {
  return PEER_AWAY.has(ConnectError.from(err).code);
}
