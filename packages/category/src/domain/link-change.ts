import { failedPrecondition } from "@lms/platform";

/** One row of the link change log: the item's whole set of category ids after change `seq`. */
export interface LinkChange {
  seq: bigint;
  itemId: string;
  categoryIds: string[];
}

/** The seqs the log holds now: `oldest` (0 when empty) through `head` (0 before the first change). */
export interface LogWindow {
  oldest: bigint;
  head: bigint;
}

/**
 * Whether the log can answer "every change after `after`": not when changes after it were
 * pruned (a rare rollback gap just below the oldest row looks the same; the caller only lists
 * again), nor when `after` is past the head (a seq from another database).
 */
export function holdsChangesAfter(window: LogWindow, after: bigint): boolean {
  if (after > window.head) return false;
  return window.oldest === 0n || after >= window.oldest - 1n;
}

/** The refusal of a watch the log cannot resume: the caller lists again, then watches. */
export function seqNotInLog(window: LogWindow, after: bigint) {
  return failedPrecondition("SEQ_NOT_IN_LOG", `the link change log holds seq ${window.oldest}..${window.head}; list again, then watch`, {
    afterSeq: after.toString(),
    oldestSeq: window.oldest.toString(),
    headSeq: window.head.toString(),
  });
}
