import { rest } from "@lms/platform/testing/rest-client";

/** A REST body as the end-to-end specs read it. */
export type Body = Record<string, unknown> & { code?: number; message?: string; details?: Record<string, unknown>[] };

let isbnSerial = 100_000 + Math.floor(Math.random() * 800_000);

/** A fresh valid ISBN-13 (978 prefix, checksum computed). */
export function nextIsbn(): string {
  const body = `978${String(isbnSerial++).padStart(9, "0")}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return body + ((10 - (sum % 10)) % 10);
}

/** Registers a member on the auth service and logs in: their id, access token and refresh token. */
export async function registerMember(authUrl: string, email: string): Promise<{ userId: string; token: string; refreshToken: string }> {
  const body = { email, password: "correct horse", name: "Reader" };
  const registered = await rest<Body>(authUrl, "POST", "/api/v1/auth/register", { body });
  if (registered.status !== 201) throw new Error(`register ${email}: ${registered.status} ${JSON.stringify(registered.body)}`);
  const login = await rest<Body>(authUrl, "POST", "/api/v1/auth/login", { body: { email, password: body.password } });
  return {
    userId: String((registered.body.user as Body).id),
    token: String(login.body.accessToken),
    refreshToken: String(login.body.refreshToken),
  };
}

/** The ErrorInfo reason of a REST error body, if any. */
export function reasonOf(body: Body): string | undefined {
  return body.details?.find((d) => d["@type"] === "type.googleapis.com/google.rpc.ErrorInfo")?.reason as string | undefined;
}
