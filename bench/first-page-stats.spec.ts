import { describe, expect, it } from "vitest";
import {
  FIRST_PAGE_TARGETS,
  type FirstPageLoad,
  interactiveMs,
  jsOnWire,
  renderFirstPage,
  summarizeLoads,
  type WireResponse,
} from "./first-page-stats.js";

const response = (over: Partial<WireResponse>): WireResponse => ({
  url: "http://127.0.0.1:8080/assets/index-abc.js",
  resourceType: "script",
  encoding: "gzip",
  bodyBytes: 1000,
  fromCache: false,
  ...over,
});

const load = (ms: number, bytes: number, encodings: Record<string, number> = { gzip: 3 }): FirstPageLoad => ({
  interactiveMs: ms,
  js: { files: 3, bytes, encodings, fromCache: 0 },
});

describe("interactiveMs", () => {
  it("is the DOM's moment when no long task had begun by then", () => {
    expect(interactiveMs(800, [])).toBe(800);
    expect(interactiveMs(800, [{ startMs: 900, durationMs: 200 }])).toBe(800);
  });

  it("waits for the end of a long task that began by then (still running, or the one that rendered)", () => {
    expect(interactiveMs(800, [{ startMs: 700, durationMs: 300 }])).toBe(1000);
    expect(
      interactiveMs(800, [
        { startMs: 100, durationMs: 60 },
        { startMs: 750, durationMs: 120 },
      ]),
    ).toBe(870);
    // One that ended before the DOM was ready changes nothing.
    expect(interactiveMs(800, [{ startMs: 100, durationMs: 60 }])).toBe(800);
  });
});

describe("jsOnWire", () => {
  it("sums the transferred bytes of scripts only, by resource type or .js path, and counts encodings", () => {
    const js = jsOnWire([
      response({ bodyBytes: 40_000 }),
      response({ url: "http://127.0.0.1:8080/assets/catalogue-page-1.js", resourceType: "other", bodyBytes: 5_000 }),
      response({ url: "http://127.0.0.1:8080/assets/vendor.mjs?v=1", resourceType: "fetch", encoding: "br", bodyBytes: 7_000 }),
      response({ url: "http://127.0.0.1:8080/", resourceType: "document", bodyBytes: 900 }),
      response({ url: "http://127.0.0.1:8080/assets/index.css", resourceType: "stylesheet", bodyBytes: 3_000 }),
      response({ url: "http://127.0.0.1:8080/api/v1/books?pageSize=20", resourceType: "fetch", encoding: "", bodyBytes: 9_000 }),
    ]);
    expect(js).toEqual({ files: 3, bytes: 52_000, encodings: { gzip: 2, br: 1 }, fromCache: 0 });
  });

  it("counts a script served from the cache as no bytes, and an uncompressed one under the empty encoding", () => {
    const js = jsOnWire([response({ fromCache: true, bodyBytes: 0 }), response({ encoding: "", bodyBytes: 2_000 })]);
    expect(js).toEqual({ files: 2, bytes: 2_000, encodings: { gzip: 1, "": 1 }, fromCache: 1 });
  });
});

describe("summarizeLoads", () => {
  it("gives the median and max of time and bytes, and every encoding seen ('none' for uncompressed)", () => {
    const s = summarizeLoads([load(900, 100), load(700, 100), load(1200, 120, { "": 1, gzip: 2 })]);
    expect(s).toEqual({
      loads: 3,
      interactive: { median: 900, max: 1200 },
      jsBytes: { median: 100, max: 120 },
      encodings: ["gzip", "none"],
    });
  });

  it("refuses an empty list rather than report NaN", () => {
    expect(() => summarizeLoads([])).toThrow(/no first-page load/);
  });
});

describe("renderFirstPage", () => {
  const result = (coldMs: number, coldBytes: number) => ({
    url: "http://127.0.0.1:8080/",
    books: 100_000,
    viewport: "1440×900",
    cold: summarizeLoads([load(coldMs, coldBytes)]),
    warm: summarizeLoads([load(300, 0)]),
  });

  it("says met for each target by the median time and the largest JS, against 1.5 s and 250 000 bytes", () => {
    const text = renderFirstPage(result(FIRST_PAGE_TARGETS.interactiveMs, FIRST_PAGE_TARGETS.jsGzipBytes));
    const cold = text.split("\n").find((l) => l.startsWith("| cold"));
    expect(cold).toContain("1500 / 1500");
    expect(cold).toContain("≤ 1500: yes");
    expect(cold).toContain("250.0 kB / 250.0 kB (gzip)");
    expect(cold).toContain("≤ 250.0 kB: yes");
    expect(text).toContain("100000 books");
  });

  it("says NO when a target is missed", () => {
    const cold = renderFirstPage(result(1501, 250_001))
      .split("\n")
      .find((l) => l.startsWith("| cold"));
    expect(cold).toContain("≤ 1500: NO");
    expect(cold).toContain("≤ 250.0 kB: NO");
  });

  it("says why it was not measured: left out, skipped, or failed", () => {
    expect(renderFirstPage(undefined)).toMatch(/BENCH_ONLY/);
    expect(renderFirstPage({ skipped: "Chromium not found at /usr/bin/chromium" })).toBe(
      "SKIPPED: Chromium not found at /usr/bin/chromium",
    );
    expect(renderFirstPage({ failed: "timeout" })).toBe("FAILED: timeout");
  });
});
