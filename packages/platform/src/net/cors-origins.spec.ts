import { describe, expect, it } from "vitest";
import { createOriginMatcher, parseOriginEntry, parseOriginList } from "./cors-origins.js";

describe("parseOriginList", () => {
  it("normalises exact origins and host:* patterns, skipping blank entries", () => {
    expect(parseOriginList(" HTTP://LocalHost:80/ ,, https://app.example.org:8443,http://[::1]:*,http://LOCALHOST:* ")).toEqual({
      entries: ["http://localhost", "https://app.example.org:8443", "http://[::1]:*", "http://localhost:*"],
      problems: [],
    });
  });

  it("explains what is wrong with each malformed entry", () => {
    expect(parseOriginEntry("example.org")).toEqual({ problem: expect.stringContaining("is not an origin") });
    expect(parseOriginEntry("ws://example.org")).toEqual({ problem: expect.stringContaining("http or https") });
    expect(parseOriginEntry("https://example.org/a?b")).toEqual({ problem: expect.stringContaining("no path") });
    expect(parseOriginEntry("https://user@example.org")).toEqual({ problem: expect.stringContaining("no path, query or user") });
    expect(parseOriginEntry("https://*.example.org")).toEqual({ problem: expect.stringContaining("only the port") });
    expect(parseOriginEntry("https://example.org:99999")).toEqual({ problem: expect.stringContaining("is not an origin") });
  });
});

describe("createOriginMatcher", () => {
  const allowed = createOriginMatcher(["https://app.example.org", "http://localhost:*", "http://[::1]:*"]);

  it("matches exact origins exactly", () => {
    expect(allowed("https://app.example.org")).toBe(true);
    expect(allowed("https://app.example.org:8443")).toBe(false);
    expect(allowed("http://app.example.org")).toBe(false);
    expect(allowed("https://app.example.org.evil.example")).toBe(false);
  });

  it("matches a host:* pattern on any port of that scheme and host only", () => {
    expect(allowed("http://localhost:5173")).toBe(true);
    expect(allowed("http://localhost")).toBe(true);
    expect(allowed("http://[::1]:3000")).toBe(true);
    expect(allowed("https://localhost:5173")).toBe(false);
    expect(allowed("http://localhost.evil.example:5173")).toBe(false);
    expect(allowed("http://127.0.0.1:5173")).toBe(false);
  });

  it("never matches a missing, null or non-serialised origin", () => {
    for (const origin of [
      undefined,
      "",
      "null",
      "http://localhost:5173/",
      "http://LOCALHOST:5173",
      "http://localhost:5173/x",
      "localhost:5173",
    ]) {
      expect(allowed(origin), String(origin)).toBe(false);
    }
  });
});
