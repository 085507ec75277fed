import { type Logger, pino } from "pino";

export type { Logger } from "pino";

/**
 * One JSON line per event on stdout. Credentials are redacted wherever they appear in a
 * logged object, so a careless `log.info({ req })` cannot leak a password or a token.
 */
export function createLogger(service: string, level: string): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        "password",
        "*.password",
        "token",
        "*.token",
        "refreshToken",
        "*.refreshToken",
        "accessToken",
        "*.accessToken",
        "authorization",
        "*.authorization",
        "headers.authorization",
        "headers['x-server-key']",
        "*.serverKey",
      ],
      censor: "[redacted]",
    },
  });
}
