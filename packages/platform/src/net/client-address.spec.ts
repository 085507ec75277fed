import { describe, expect, it } from "vitest";
import { clientAddressOf, peerAddress, resolveClientAddress, trustedProxySet } from "./client-address.js";

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
