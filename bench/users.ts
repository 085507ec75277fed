import { rest } from "@lms/platform/testing/rest-client";

/** A registered member of the bench: who they are and a valid access token. */
export interface Member {
  userId: string;
  email: string;
  password: string;
  token: string;
  /** The library card number the auth service gave them (a desk checks out by it). */
  cardNumber: string;
}

const PASSWORD = "bench-password-123";

/** Logs in over REST and returns the token pair's access token. */
export async function login(authUrl: string, email: string, password: string): Promise<string> {
  const res = await rest<{ accessToken?: string }>(authUrl, "POST", "/api/v1/auth/login", { body: { email, password } });
  if (res.status !== 200 || !res.body.accessToken) throw new Error(`login ${email}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken;
}

/**
 * Registers `count` members and logs each in (one member per concurrent client: a
 * borrow/return pair belongs to one user, and login attempts of one email are rate limited).
 * Four at a time: each registration and login is an argon2 hash on the auth service's
 * four-thread pool.
 */
export async function registerMembers(authUrl: string, count: number): Promise<Member[]> {
  const members: Member[] = new Array(count);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const email = `bench-member-${i}@bench.test`;
      const res = await rest<{ user?: { id: string; cardNumber: string } }>(authUrl, "POST", "/api/v1/auth/register", {
        body: { email, password: PASSWORD, name: `Bench member ${i}` },
      });
      if (res.status !== 201 || !res.body.user) throw new Error(`register ${email}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      const { id, cardNumber } = res.body.user;
      members[i] = { userId: id, email, password: PASSWORD, token: await login(authUrl, email, PASSWORD), cardNumber };
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, count) }, worker));
  return members;
}
