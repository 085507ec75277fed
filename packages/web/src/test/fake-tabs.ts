// Browser tabs simulated in one test: a lock manager and broadcast channels shared like a
// browser's (Web Locks semantics: one holder per name, FIFO; a message reaches every other tab).
import type { ChannelLike, LockManagerLike, TabMessage } from "../session/tab-sync.js";

export function fakeLocks(): LockManagerLike {
  const tails = new Map<string, Promise<unknown>>();
  return {
    request<T>(name: string, callback: () => Promise<T>) {
      const run = (tails.get(name) ?? Promise.resolve()).then(callback, callback);
      tails.set(
        name,
        run.catch(() => undefined),
      );
      return run;
    },
  };
}

type Listener = (event: MessageEvent<TabMessage>) => void;

/** Channels of one browser: `open()` is one tab's `new BroadcastChannel(name)`. */
export function fakeChannelHub() {
  const tabs = new Set<Set<Listener>>();
  return {
    open(): ChannelLike {
      const mine = new Set<Listener>();
      tabs.add(mine);
      return {
        // Delivered later, like a real channel, and never to the sender.
        postMessage: (message) => {
          for (const other of tabs) {
            if (other === mine) continue;
            for (const l of other) setTimeout(() => l(new MessageEvent("message", { data: message })), 0);
          }
        },
        addEventListener: (_type, listener) => mine.add(listener),
      };
    },
  };
}

/** A Storage kept in memory and shared by the simulated tabs (localStorage is per origin). */
export function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, String(value)),
  };
}
