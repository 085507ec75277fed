// The signed-in session: the access token lives only in this object (memory), the refresh token in
// storage so a reload or another tab stays signed in. Every refresh runs under the cross-tab lock
// and re-reads storage inside it, so no two tabs ever present the same single-use refresh token.
import { ApiError } from "../api/errors.js";
import type { TokenPair } from "../api/types.js";
import type { AuthCalls } from "./auth-calls.js";
import { type Principal, principalFromToken } from "./principal.js";
import type { TabMessage, TabSync } from "./tab-sync.js";

const STORAGE_KEY = "lms.refreshToken";
/** Refresh this long before the access token expires, so a call never leaves with a stale one. */
const REFRESH_MARGIN_MS = 60_000;

interface Tokens {
  accessToken: string;
  /** The refresh token issued with this access token. */
  refreshToken: string;
  accessExpiresAt: number;
  principal: Principal;
}

export interface SessionDeps {
  auth: AuthCalls;
  storage: Storage;
  tabs: TabSync;
  now?: () => number;
}

export class Session {
  private tokens: Tokens | undefined;
  private refreshing: Promise<boolean> | undefined;
  private endedByServer = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly now: () => number;

  constructor(private readonly deps: SessionDeps) {
    this.now = deps.now ?? Date.now;
    deps.tabs.onMessage((m) => this.onTabMessage(m));
  }

  /** The signed-in person, or undefined. */
  get principal(): Principal | undefined {
    return this.tokens?.principal;
  }

  /**
   * True when the server ended the login under the person's feet (not a Log out): pages then stay
   * as they are, typed input included, until the person signs in again or leaves.
   */
  get ended(): boolean {
    return this.endedByServer && this.tokens === undefined;
  }

  /** True while a stored login is being restored (after a reload): not yet signed in, not signed out. */
  get restoring(): boolean {
    return this.refreshing !== undefined && this.tokens === undefined;
  }

  /** True when a refresh token is stored, i.e. this browser has a login to restore. */
  get hasStoredLogin(): boolean {
    return this.deps.storage.getItem(STORAGE_KEY) !== null;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async login(email: string, password: string): Promise<void> {
    const pair = await this.deps.auth.login(email, password);
    await this.deps.tabs.withLock(async () => this.adopt(pair));
  }

  /** Revokes this login's refresh tokens on the server, then forgets them here and in every tab. */
  async logout(): Promise<void> {
    await this.deps.tabs.withLock(async () => {
      const stored = this.deps.storage.getItem(STORAGE_KEY);
      try {
        if (stored) await this.deps.auth.logout(stored);
      } finally {
        // Signed out locally even when the server is unreachable; the token then just expires.
        this.deps.storage.removeItem(STORAGE_KEY);
        this.endedByServer = false;
        this.forget();
        this.deps.tabs.post({ type: "signed-out", ended: false });
      }
    });
  }

  /** A valid access token, refreshed first when it is about to expire; undefined when signed out. */
  async accessToken(): Promise<string | undefined> {
    if (this.tokens && !this.expiringSoon(this.tokens)) return this.tokens.accessToken;
    if (!this.hasStoredLogin) return undefined;
    return (await this.refresh()) ? this.tokens?.accessToken : undefined;
  }

  /**
   * One refresh at a time in this tab, and under the lock across tabs. True when signed in after.
   * `rejected`: an access token the server refused (401), so it is replaced even if not expired.
   */
  refresh(rejected?: string): Promise<boolean> {
    if (this.refreshing) return this.refreshing;
    this.refreshing = this.deps.tabs
      .withLock(() => this.refreshInLock(rejected))
      .finally(() => {
        this.refreshing = undefined;
        this.emit();
      });
    this.emit();
    return this.refreshing;
  }

  private async refreshInLock(rejected: string | undefined): Promise<boolean> {
    // Read inside the lock: another tab may have rotated the token while this one waited.
    const stored = this.deps.storage.getItem(STORAGE_KEY);
    if (!stored) {
      this.forget();
      return false;
    }
    // Another tab rotated it and sent us the access token issued with it: nothing left to do.
    const current = this.tokens;
    if (current?.refreshToken === stored && !this.expiringSoon(current) && current.accessToken !== rejected) return true;
    let pair: TokenPair;
    try {
      pair = await this.deps.auth.refresh(stored);
    } catch (error) {
      // Expired, revoked or reused: this login is over. Anything else (offline): keep it for later.
      if (error instanceof ApiError && (error.status === 401 || error.status === 400)) {
        this.deps.storage.removeItem(STORAGE_KEY);
        this.endedByServer = this.tokens !== undefined;
        this.forget();
        this.deps.tabs.post({ type: "signed-out", ended: true });
      }
      return false;
    }
    this.adopt(pair);
    return true;
  }

  /** Keeps a new pair: refresh token to storage, access token in memory, shared with other tabs. */
  private adopt(pair: TokenPair): void {
    const principal = principalFromToken(pair.accessToken);
    if (!principal) throw new Error("the sign-in answer carried an unreadable access token");
    const tokens = {
      accessToken: pair.accessToken,
      refreshToken: pair.refreshToken,
      accessExpiresAt: this.now() + pair.expiresIn * 1000,
      principal,
    };
    this.deps.storage.setItem(STORAGE_KEY, pair.refreshToken);
    this.set(tokens);
    this.deps.tabs.post({
      type: "tokens",
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      accessExpiresAt: tokens.accessExpiresAt,
    });
  }

  private onTabMessage(message: TabMessage): void {
    if (message.type === "signed-out") {
      this.endedByServer = message.ended && this.tokens !== undefined;
      this.forget();
      return;
    }
    const principal = principalFromToken(message.accessToken);
    if (principal) this.set({ ...message, principal });
  }

  private expiringSoon(tokens: Tokens): boolean {
    return tokens.accessExpiresAt - this.now() <= REFRESH_MARGIN_MS;
  }

  private set(tokens: Tokens): void {
    this.tokens = tokens;
    this.endedByServer = false;
    this.schedule(tokens);
    this.emit();
  }

  private forget(): void {
    clearTimeout(this.timer);
    if (!this.tokens) return;
    this.tokens = undefined;
    this.emit();
  }

  /** Refreshes ahead of expiry, so a page left open stays signed in. */
  private schedule(tokens: Tokens): void {
    clearTimeout(this.timer);
    const delay = Math.max(tokens.accessExpiresAt - REFRESH_MARGIN_MS - this.now(), 1_000);
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  /** Stops the refresh timer (tests, teardown). */
  dispose(): void {
    clearTimeout(this.timer);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
