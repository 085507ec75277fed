/** `CORS_ORIGINS` when unset outside production (DESIGN.md §2): any port on this machine. */
export const DEVELOPMENT_CORS_ORIGINS = "http://localhost:*,http://127.0.0.1:*";

/** One entry of `CORS_ORIGINS`: an exact origin, or a scheme and host with any port. */
export type OriginRule = { kind: "exact"; origin: string } | { kind: "any-port"; protocol: string; hostname: string };

const ANY_PORT = /^(https?):\/\/(\[[0-9A-Fa-f:.]+\]|[^/:?#[\]@\s]+):\*$/;

/**
 * Parses one `CORS_ORIGINS` entry: `scheme://host[:port]` (an exact origin, as a browser
 * sends it in `Origin`) or `scheme://host:*` (that host on any port, its default port too).
 * Scheme http or https; no path, query, user or wildcard host. Returns the rule and its
 * normalised text (lower-case host, default port dropped), or a sentence saying what is wrong.
 */
export function parseOriginEntry(entry: string): { rule: OriginRule; text: string } | { problem: string } {
  const notAnOrigin = `"${entry}" is not an origin (expected scheme://host[:port], or scheme://host:* for any port)`;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) return { problem: notAnOrigin };
  const anyPort = ANY_PORT.exec(entry);
  const candidate = anyPort ? `${anyPort[1]}://${anyPort[2]}` : entry;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return { problem: notAnOrigin };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { problem: `"${entry}" must use http or https` };
  if (url.username || url.password || url.search || url.hash || !/^[^/]+\/\/[^/]+\/?$/.test(candidate)) {
    return { problem: `"${entry}" must be scheme://host[:port] only (no path, query or user)` };
  }
  if (url.hostname.includes("*")) return { problem: `"${entry}": only the port may be a wildcard (scheme://host:*)` };
  if (anyPort) {
    return { rule: { kind: "any-port", protocol: url.protocol, hostname: url.hostname }, text: `${url.protocol}//${url.host}:*` };
  }
  return { rule: { kind: "exact", origin: url.origin }, text: url.origin };
}

/**
 * Parses a comma-separated `CORS_ORIGINS` value (blank entries ignored) into normalised
 * entries, or lists every malformed one.
 */
export function parseOriginList(value: string): { entries: string[]; problems: string[] } {
  const entries: string[] = [];
  const problems: string[] = [];
  for (const raw of value.split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    const parsed = parseOriginEntry(entry);
    if ("problem" in parsed) problems.push(parsed.problem);
    else entries.push(parsed.text);
  }
  return { entries, problems };
}

/**
 * A predicate telling whether a request's `Origin` header is allowed by `entries` (as returned by
 * {@link parseOriginList}). Only a well-formed serialised origin can match (`null`, paths or
 * odd spellings never do); an `any-port` entry matches its scheme and exact host on any port.
 */
export function createOriginMatcher(entries: readonly string[]): (origin: string | undefined) => boolean {
  const rules = entries.flatMap((e) => {
    const parsed = parseOriginEntry(e);
    return "rule" in parsed ? [parsed.rule] : [];
  });
  const exact = new Set(rules.flatMap((r) => (r.kind === "exact" ? [r.origin] : [])));
  const anyPort = rules.flatMap((r) => (r.kind === "any-port" ? [r] : []));
  return (origin) => {
    if (origin === undefined || origin === "") return false;
    if (exact.has(origin)) return true;
    if (anyPort.length === 0) return false;
    const url = safeUrl(origin);
    if (!url || url.origin !== origin) return false;
    return anyPort.some((r) => r.protocol === url.protocol && r.hostname === url.hostname);
  };
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
