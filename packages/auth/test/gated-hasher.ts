import type { PasswordHasher } from "../src/domain/password-hasher.js";

/**
 * A stand-in for argon2 whose checks wait while the gate is closed, and which counts the checks
 * it actually ran: specs use it to hold the hashing queue full and to see which work never ran.
 */
export function createGatedHasher() {
  let open = true;
  let waiters: (() => void)[] = [];
  const checked: string[] = [];
  const gate = () => (open ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve)));
  const hasher: PasswordHasher = {
    hash: async (password) => `plain:${password}`,
    async verify(passwordHash, password) {
      checked.push(password);
      await gate();
      return passwordHash === `plain:${password}`;
    },
    async verifyNothing(password) {
      checked.push(password);
      await gate();
      return false;
    },
  };
  return {
    hasher,
    /** Passwords whose check started, in order. */
    checked,
    close() {
      open = false;
    },
    open() {
      open = true;
      for (const release of waiters) release();
      waiters = [];
    },
  };
}

/** The value of an unlabelled-but-for-service metric on `/metrics`. */
export async function metricValue(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return line ? Number(line.split(" ").pop()) : Number.NaN;
}

/** Polls `/metrics` until `name` reads `value` (fails after `timeoutMs`). */
export async function untilMetric(base: string, name: string, value: number, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const now = await metricValue(base, name);
    if (now === value) return;
    if (Date.now() > until) throw new Error(`${name} stayed ${now}, expected ${value}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
