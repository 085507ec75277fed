// Coordination between tabs of the same browser: one lock (so only one tab at a time presents the
// refresh token — refresh tokens are single use and a reused one revokes the whole login) and one
// channel (so the tab that refreshed hands the new access token to the others).

export type TabMessage =
  | { type: "tokens"; accessToken: string; refreshToken: string; accessExpiresAt: number }
  /** `ended`: the server ended the login (expired, revoked, reused), not a Log out. */
  | { type: "signed-out"; ended: boolean };

export interface TabSync {
  /** Runs `task` while no other tab (and no other task here) holds the session lock. */
  withLock<T>(task: () => Promise<T>): Promise<T>;
  post(message: TabMessage): void;
  onMessage(listener: (message: TabMessage) => void): void;
}

const NAME = "lms-session";

/** In-tab only: tasks run one after another. */
function localQueue(): TabSync["withLock"] {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** The parts of the Web Locks API used here. */
export interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<unknown>;
}

/** The parts of BroadcastChannel used here. */
export interface ChannelLike {
  postMessage(message: TabMessage): void;
  addEventListener(type: "message", listener: (event: MessageEvent<TabMessage>) => void): void;
}

/**
 * Tab coordination over a lock manager and a channel. Without a lock manager (very old browsers)
 * refreshes are serialized within the tab only; the session still re-reads storage before each
 * refresh, which narrows but cannot close the cross-tab race. Without a channel, other tabs learn
 * of a new token at their own next refresh (they read it from storage under the lock).
 */
export function createTabSync(locks: LockManagerLike | undefined, channel: ChannelLike | undefined): TabSync {
  const queue = localQueue();
  return {
    // A lock callback's promise is awaited by the lock manager, so the result is the task's value.
    withLock: locks ? <T>(task: () => Promise<T>) => locks.request(NAME, task) as Promise<T> : queue,
    post: (message) => channel?.postMessage(message),
    onMessage: (listener) => channel?.addEventListener("message", (e) => listener(e.data)),
  };
}

/** The browser's Web Locks and BroadcastChannel, where present. */
export function browserTabSync(): TabSync {
  const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(NAME) : undefined;
  return createTabSync(globalThis.navigator?.locks, channel);
}
