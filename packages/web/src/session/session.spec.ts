import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeApi } from "../test/fake-api.js";
import { fakeChannelHub, fakeLocks, memoryStorage } from "../test/fake-tabs.js";
import { restAuthCalls } from "./auth-calls.js";
import { Session } from "./session.js";
import { createTabSync, type LockManagerLike } from "./tab-sync.js";

// Two tabs of one browser: same storage and channels; `sharedLocks` false gives each tab its own
// lock manager — what a browser without cross-tab locking would do — to show the race is real.
function browser(sharedLocks: boolean) {
  const storage = memoryStorage();
  const hub = fakeChannelHub();
  const locks = fakeLocks();
  let clock = Date.now();
  const sessions: Session[] = [];
  const openTab = () => {
    const tabLocks: LockManagerLike = sharedLocks ? locks : fakeLocks();
    const session = new Session({ auth: restAuthCalls(), storage, tabs: createTabSync(tabLocks, hub.open()), now: () => clock });
    sessions.push(session);
    return session;
  };
  return {
    storage,
    openTab,
    sessions,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe("Session across tabs", () => {
  let api: FakeApi;
  let tabs: ReturnType<typeof browser> | undefined;

  beforeEach(() => {
    api = new FakeApi();
    api.addUser("ada@example.org", "correct horse 1");
    vi.stubGlobal("fetch", api.fetch);
  });
  afterEach(() => {
    for (const s of tabs?.sessions ?? []) s.dispose();
    vi.unstubAllGlobals();
  });

  it("keeps the access token in memory only and the refresh token in storage", async () => {
    tabs = browser(true);
    const a = tabs.openTab();
    await a.login("ada@example.org", "correct horse 1");
    expect(a.principal).toEqual({ userId: "user-1", email: "ada@example.org", role: "member" });
    const stored = [...Array(tabs.storage.length).keys()].map((i) => tabs?.storage.getItem(tabs.storage.key(i) ?? "") ?? "");
    expect(stored).toEqual(["r1"]);
    expect(stored.join()).not.toContain(await a.accessToken());
  });

  it("a second tab (or a reload) restores the login from storage", async () => {
    tabs = browser(true);
    await tabs.openTab().login("ada@example.org", "correct horse 1");
    const b = tabs.openTab();
    expect(b.principal).toBeUndefined();
    expect(await b.accessToken()).toMatch(/\.sig2$/);
    expect(b.principal?.email).toBe("ada@example.org");
  });

  it("two tabs refreshing at the same moment take turns: nobody is logged out, no token is reused", async () => {
    tabs = browser(true);
    const a = tabs.openTab();
    const b = tabs.openTab();
    await a.login("ada@example.org", "correct horse 1");
    tabs.advance(15 * 60_000); // both tabs now hold an expiring access token
    const [ta, tb] = await Promise.all([a.accessToken(), b.accessToken()]);
    expect(ta).toBeDefined();
    expect(tb).toBeDefined();
    expect(api.reuseDetected).toBe(0);
    expect(a.principal?.email).toBe("ada@example.org");
    expect(b.principal?.email).toBe("ada@example.org");
    // The stored token is the newest one and still valid: a later refresh works.
    expect(api.validRefresh.has(tabs.storage.getItem("lms.refreshToken") ?? "")).toBe(true);
    tabs.advance(15 * 60_000);
    expect(await b.accessToken()).toBeDefined();
    expect(api.reuseDetected).toBe(0);
  });

  it("without a lock shared by the tabs the same race presents one token twice and ends the login (why the lock exists)", async () => {
    tabs = browser(false);
    const a = tabs.openTab();
    const b = tabs.openTab();
    await a.login("ada@example.org", "correct horse 1");
    tabs.advance(15 * 60_000);
    await Promise.all([a.accessToken(), b.accessToken()]);
    expect(api.reuseDetected).toBe(1);
  });

  it("refreshes by itself a minute before the access token expires", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    try {
      const storage = memoryStorage();
      const session = new Session({ auth: restAuthCalls(), storage, tabs: createTabSync(fakeLocks(), fakeChannelHub().open()) });
      tabs = { storage, openTab: () => session, sessions: [session], advance: () => undefined };
      await session.login("ada@example.org", "correct horse 1");
      await vi.advanceTimersByTimeAsync(13 * 60_000); // 15-minute token: not yet
      expect(api.calls("/api/v1/auth/refresh")).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(60_000 + 10); // one minute before expiry
      expect(api.calls("/api/v1/auth/refresh")).toHaveLength(1);
      expect(storage.getItem("lms.refreshToken")).toBe("r2");
      expect(await session.accessToken()).toMatch(/\.sig2$/);
    } finally {
      vi.useRealTimers();
    }
  });

  it("logging out revokes the refresh token on the server and signs every tab out", async () => {
    tabs = browser(true);
    const a = tabs.openTab();
    const b = tabs.openTab();
    await a.login("ada@example.org", "correct horse 1");
    await b.accessToken();
    await a.logout();
    expect(api.calls("/api/v1/auth/logout")[0]?.body).toEqual({ refreshToken: "r2" });
    expect(tabs.storage.getItem("lms.refreshToken")).toBeNull();
    await vi.waitFor(() => expect(b.principal).toBeUndefined());
    expect(await b.accessToken()).toBeUndefined();
  });

  it("a refused refresh (expired or revoked login) signs out instead of retrying forever", async () => {
    tabs = browser(true);
    const a = tabs.openTab();
    await a.login("ada@example.org", "correct horse 1");
    api.validRefresh.clear();
    tabs.advance(15 * 60_000);
    expect(await a.accessToken()).toBeUndefined();
    expect(a.principal).toBeUndefined();
    expect(tabs.storage.getItem("lms.refreshToken")).toBeNull();
  });
});
