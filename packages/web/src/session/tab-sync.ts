// Coordination between tabs of the same browser: one lock (so only one tab at a time presents the
// refresh token — refresh tokens are single use and a reused one revokes the whole login) and one
// channel (so the tab that refreshed hands the new access token to the others).

export type TabMessage =
  | { type: "tokens"; accessToken: string; refreshToken: string; accessExpiresAt: number }
  | { type: "signed-out" };

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

/**
 * The browser's Web Locks and BroadcastChannel. Where Web Locks are missing (very old browsers)
 * refreshes are serialized within the tab only; the session then re-reads storage before each
 * refresh, which narrows but cannot close the cross-tab race.
 */
export function browserTabSync(): TabSync {
  const locks = globalThis.navigator?.locks;
  const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(NAME) : undefined;
  const queue = localQueue();
  return {
    // The DOM typings say Promise<Promise<T>>; a lock callback's promise is awaited, so it is Promise<T>.
    withLock: locks ? <T>(task: () => Promise<T>) => locks.request(NAME, task) as unknown as Promise<T> : queue,
    post: (message) => channel?.postMessage(message),
    onMessage: (listener) => channel?.addEventListener("message", (e: MessageEvent<TabMessage>) => listener(e.data)),
  };
}
