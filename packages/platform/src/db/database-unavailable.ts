/** SQLSTATEs that say the database (not the request) failed: admin shutdown, crash, starting up, too many clients, statement timeout. */
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300", "57014"]);

/** Node socket errors of a connection to the database. */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

/** What `pg` and `pg-pool` throw when the connection, not the SQL, failed. */
const DRIVER_MESSAGES = [
  /^Connection terminated/, // the server closed it, or (with "due to connection timeout") it never answered the start-up
  /^timeout exceeded when trying to connect$/, // no pool connection within DB_CONNECT_TIMEOUT_MS
  /^Query read timeout$/, // no answer within the client-side query timeout (a frozen server)
  /is not queryable$/, // a client whose connection already failed
  /^Cannot use a pool after calling end on the pool$/, // a request still running while the service stops
];

/**
 * A short description of why `err` means "the database is unavailable" (a SQLSTATE of class 08,
 * 57P01–57P03, 53300 or 57014, a socket error code, or one of the driver's connection messages),
 * or undefined when it is anything else. Looks one `cause` deep, for errors that wrap another.
 */
export function databaseUnavailableCause(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 2; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === "string" && (code.startsWith("08") || SQLSTATES.has(code) || SOCKET_CODES.has(code))) {
      if (typeof message !== "string" || !message) return code;
      return message.includes(code) ? message : `${code} ${message}`;
    }
    if (typeof message === "string" && DRIVER_MESSAGES.some((m) => m.test(message))) return message;
  }
  return undefined;
}

/**
 * Log fields for `err`: `{ cause }`, one short string, when it means the database is unavailable
 * (an outage repeats it for every connection: a stack each says nothing more), else `{ err }` with its stack.
 */
export function errorLogFields(err: unknown): { cause: string } | { err: unknown } {
  const cause = databaseUnavailableCause(err);
  return cause === undefined ? { err } : { cause };
}
