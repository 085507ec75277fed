import { Code, ConnectError } from "@connectrpc/connect";

/**
 * SQLSTATEs with which PostgreSQL refuses a text value the client sent: 22021
 * character_not_in_repertoire (a NUL or an invalid byte sequence) and 22P05
 * untranslatable_character.
 */
const REFUSED_TEXT = new Set(["22021", "22P05"]);

/**
 * INVALID_ARGUMENT for a database error caused by a text value of the request, or undefined
 * for any other failure. A second line of defence behind the text interceptor, which refuses
 * such values (naming the field) before any SQL runs: should one still reach the database,
 * the client hears 400, not 500.
 */
export function refusedTextError(err: unknown): ConnectError | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && REFUSED_TEXT.has(code)) {
      return new ConnectError("a text value of the request cannot be stored (NUL or invalid character)", Code.InvalidArgument);
    }
  }
  return undefined;
}
