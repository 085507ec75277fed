import { describe, expect, it } from "vitest";
import { clientAddressOf, peerAddress, resolveClientAddress, trustedProxyProblem, trustedProxySet } from "./client-address.js";

describe("resolveClientAddress", () => {
  const proxies = trustedProxySet(["10.0.0.1", "::ffff:10.0.0.2"]);

  it("is the socket address when no proxy is trusted, whatever the client forwards", () => {
    expect(resolveClientAddress("203.0.113.7", "198.51.100.1", new Set())).toBe("203.0.113.7");
    expect(resolveClientAddress("::ffff:203.0.113.7", undefined, new Set())).toBe("203.0.113.7");
  });

  it("reads the forwarded chain from the right past trusted proxies only", () => {
    expect(resolveClientAddress("10.0.0.1", "198.51.100.1, 203.0.113.9", proxies)).toBe("203.0.113.9");
    expect(resolveClientAddress("10.0.0.1", "198.51.100.1, 10.0.0.2", proxies)).toBe("198.51.100.1");
    // A forged entry before an untrusted hop is not reached.
    expect(resolveClientAddress("10.0.0.1", "1.1.1.1, 203.0.113.9", proxies)).toBe("203.0.113.9");
  });

  it("ignores forwarded values that are not addresses", () => {
    expect(resolveClientAddress("10.0.0.1", "not-an-ip", proxies)).toBe("10.0.0.1");
  });
});

describe("trustedProxySet", () => {
  it("trusts exact addresses and every address inside a CIDR range, IPv4 and IPv6, and nothing else", () => {
    const trusted = trustedProxySet(["127.0.0.1", "172.30.18.0/28", "fd00:18::/64"]);
    expect(["127.0.0.1", "172.30.18.0", "172.30.18.15", "fd00:18::7"].map((a) => trusted.has(a))).toEqual([true, true, true, true]);
    expect(["127.0.0.2", "172.30.18.16", "fd00:19::7", "not-an-ip"].map((a) => trusted.has(a))).toEqual([false, false, false, false]);
  });

  it("lets a range stand for a proxy whose address changes (a pod, a container)", () => {
    const trusted = trustedProxySet(["10.244.0.0/16"]);
    expect(resolveClientAddress("::ffff:10.244.3.9", "203.0.113.9", trusted)).toBe("203.0.113.9");
    expect(resolveClientAddress("10.245.0.1", "203.0.113.9", trusted)).toBe("10.245.0.1");
  });
});

describe("trustedProxyProblem", () => {
  it("accepts addresses and CIDR ranges with a prefix that fits the family", () => {
    for (const ok of ["10.0.0.1", "::1", "10.0.0.0/8", "0.0.0.0/0", "fd00::/8", "::/128"]) expect(trustedProxyProblem(ok)).toBeUndefined();
  });

  it("names what is wrong with anything else", () => {
    expect(trustedProxyProblem("proxy.local")).toMatch(/not an IP address or CIDR range/);
    expect(trustedProxyProblem("10.0.0.0/33")).toMatch(/0\.\.32/);
    expect(trustedProxyProblem("fd00::/129")).toMatch(/0\.\.128/);
    expect(trustedProxyProblem("10.0.0.0/")).toMatch(/prefix length/);
    expect(trustedProxyProblem("10.0.0.0/8/8")).toMatch(/not an IP address/);
  });
});

describe("peerAddress", () => {
  it("drops the port of IPv4 and IPv6 peers", () => {
    expect(peerAddress("127.0.0.1:50123")).toBe("127.0.0.1");
    expect(peerAddress("::1:50123")).toBe("::1");
    expect(peerAddress("[::1]:50123")).toBe("::1");
    expect(peerAddress("::ffff:127.0.0.1:50123")).toBe("127.0.0.1");
  });
});

describe("clientAddressOf", () => {
  it("reads the header the faces set", () => {
    expect(clientAddressOf(new Headers({ "x-client-address": "192.0.2.1" }))).toBe("192.0.2.1");
    expect(clientAddressOf(new Headers())).toBeUndefined();
  });
});
