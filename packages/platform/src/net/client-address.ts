import { BlockList, isIP } from "node:net";

/**
 * The request header that carries the address of the client a call is made for. Both faces
 * set it themselves (REST from the socket, gRPC from the peer) and never pass on a value a
 * client sent, except one forwarded by a trusted proxy; handlers read it with {@link clientAddressOf}.
 */
export const CLIENT_ADDRESS_HEADER = "x-client-address";

/** The client address of a call, as the face that received it decided; undefined for in-process calls. */
export function clientAddressOf(header: Headers): string | undefined {
  return header.get(CLIENT_ADDRESS_HEADER) ?? undefined;
}

/**
 * Who the client is: the socket's remote address, unless that is a trusted proxy, in which case
 * the forwarded chain (`X-Forwarded-For` on REST, `x-client-address` from a peer on gRPC) is read
 * from the right, skipping trusted proxies, and the first address that is not one is the client.
 * An untrusted socket's forwarded values are ignored, so a client cannot pick its own address.
 */
export function resolveClientAddress(socketAddress: string | undefined, forwarded: string | undefined, trusted: TrustedProxies): string {
  let client = normalizeAddress(socketAddress ?? "");
  if (!forwarded) return client;
  const hops = forwarded
    .split(",")
    .map((hop) => normalizeAddress(hop.trim()))
    .filter((hop) => isIP(hop) !== 0);
  while (trusted.has(client) && hops.length > 0) client = hops.pop() as string;
  return client;
}

/** The address part of a grpc-js peer (`1.2.3.4:5678`, `::1:5678`, `[::1]:5678`), without its port. */
export function peerAddress(peer: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(peer);
  if (bracketed) return normalizeAddress(bracketed[1]);
  const withPort = /^(.*):\d+$/.exec(peer);
  return normalizeAddress(withPort && isIP(withPort[1]) !== 0 ? withPort[1] : peer);
}

/** Which socket addresses are trusted proxies; a `ReadonlySet<string>` of plain addresses is one. */
export interface TrustedProxies {
  has(address: string): boolean;
}

/**
 * An address (`10.0.0.1`, `::1`) or a CIDR range (`172.30.18.0/24`, `fd00::/8`): the forms
 * `TRUSTED_PROXIES` accepts. Returns why not, or undefined when it is one.
 */
export function trustedProxyProblem(entry: string): string | undefined {
  const [address, prefix, ...rest] = entry.split("/");
  const family = isIP(address ?? "");
  if (family === 0 || rest.length > 0) return `"${entry}" is not an IP address or CIDR range`;
  if (prefix === undefined) return undefined;
  const bits = Number(prefix);
  const max = family === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(prefix) && bits <= max ? undefined : `"${entry}": the prefix length must be 0..${max}`;
}

/**
 * The trusted proxies of a configuration (addresses and CIDR ranges, as {@link trustedProxyProblem}
 * accepts), compared as {@link resolveClientAddress} normalises addresses. Entries are assumed valid
 * (the config schema checked them).
 */
export function trustedProxySet(entries: readonly string[]): TrustedProxies {
  const exact = new Set<string>();
  const ranges = new BlockList();
  let anyRange = false;
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    if (prefix === undefined) {
      exact.add(normalizeAddress(address));
      continue;
    }
    ranges.addSubnet(address.toLowerCase(), Number(prefix), isIP(address) === 4 ? "ipv4" : "ipv6");
    anyRange = true;
  }
  return {
    has: (address) =>
      exact.has(address) || (anyRange && isIP(address) !== 0 && ranges.check(address, isIP(address) === 4 ? "ipv4" : "ipv6")),
  };
}

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) as plain IPv4, lower-cased. */
function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith("::ffff:") && isIP(lower.slice(7)) === 4 ? lower.slice(7) : lower;
}
