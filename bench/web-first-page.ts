// The catalogue's first page in a real browser (issue 18: "interactive ≤ 1.5 s on this machine
// with the bench data set; JavaScript shipped for the first page ≤ 250 KB gzipped"), Lighthouse
// style: Debian's Chromium through playwright-core (never a downloaded browser), 1440×900, against
// the bench stack's web origin. Cold loads each get a fresh browser context (empty cache); each
// warm load is a second page in the context of a cold one (its HTTP cache filled).
import { appState, buildApp } from "@lms/cli/web-build";
import type { Browser, BrowserContext, Page, Response } from "playwright-core";
import { CHROMIUM_PATH, chromiumAvailable, closeBrowser, launchChromium } from "../tests/e2e/support/browser.js";
import {
  type FirstPageLoad,
  type FirstPageResult,
  interactiveMs,
  jsOnWire,
  type LongTask,
  summarizeLoads,
  type WireResponse,
} from "./first-page-stats.js";

export const VIEWPORT = { width: 1440, height: 900 };
/** Loads of each kind; the report gives their median and max. */
export const LOADS = 5;

/**
 * Runs in every page before its own scripts: records long tasks, and the `performance.now()`
 * (ms since navigation start) at which the DOM first holds an enabled field labelled "Search
 * the catalogue" and a link to a book (the first page of results). A MutationObserver sees
 * each change in the task that made it, so the time is exact, not a polling interval.
 */
const PROBE = `(() => {
  const state = { longTasks: [] };
  window.__lmsFirstPage = state;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) state.longTasks.push({ startMs: e.startTime, durationMs: e.duration });
    }).observe({ type: "longtask", buffered: true });
  } catch {}
  const ready = () => {
    const label = [...document.querySelectorAll("label")].find((l) => l.textContent.trim() === "Search the catalogue");
    const field = label && label.control;
    return Boolean(field) && !field.disabled && document.querySelector('a[href^="/books/"]') !== null;
  };
  const observer = new MutationObserver(() => {
    if (state.domReadyMs === undefined && ready()) {
      state.domReadyMs = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["disabled"] });
})();`;

interface ProbeState {
  domReadyMs?: number;
  longTasks: LongTask[];
}

/** Measures `LOADS` cold and `LOADS` warm loads of `${webUrl}/`; never throws (a failure is the result's reason). */
export async function measureFirstPage(webUrl: string, books: number, log: (line: string) => void): Promise<FirstPageResult> {
  if (!chromiumAvailable()) {
    return {
      skipped:
        `Chromium not found at ${CHROMIUM_PATH} (install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH); ` +
        "no browser is downloaded",
    };
  }
  const app = await ensureAppBuilt(log);
  if (app) return app;
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const cold: FirstPageLoad[] = [];
    const warm: FirstPageLoad[] = [];
    const url = `${webUrl}/`;
    // One unmeasured load first: the origin's and services' first answers (JIT, pools) are not the page's.
    await withContext(browser, (context) => loadOnce(context, url));
    for (let i = 0; i < LOADS; i++) {
      await withContext(browser, async (context) => {
        cold.push(await loadOnce(context, url));
        warm.push(await loadOnce(context, url));
      });
      log(
        `web first page: load ${i + 1}/${LOADS}: cold ${cold[i].interactiveMs.toFixed(0)} ms, warm ${warm[i].interactiveMs.toFixed(0)} ms`,
      );
    }
    return { url, books, viewport: `${VIEWPORT.width}×${VIEWPORT.height}`, cold: summarizeLoads(cold), warm: summarizeLoads(warm) };
  } catch (err) {
    return { failed: err instanceof Error ? err.message : String(err) };
  } finally {
    await closeBrowser(browser);
  }
}

/** Builds the app as `make run` does when it is missing or older than its sources; a reason when there is none. */
async function ensureAppBuilt(log: (line: string) => void): Promise<FirstPageResult | undefined> {
  const state = appState();
  if (state === "absent") return { skipped: "no app in packages/web (no Vite config)" };
  if (state === "fresh") return undefined;
  log("web first page: building the app (vite build)");
  return (await buildApp((line) => log(`[web build] ${line}`))) ? undefined : { failed: "the app's build failed (output above)" };
}

async function withContext<T>(browser: Browser, use: (context: BrowserContext) => Promise<T>): Promise<T> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    await context.addInitScript(PROBE);
    return await use(context);
  } finally {
    await context.close().catch(() => undefined);
  }
}

/** One navigation to the catalogue, until it is interactive; checked with role/label locators. */
async function loadOnce(context: BrowserContext, url: string): Promise<FirstPageLoad> {
  const page = await context.newPage();
  try {
    const seen: Promise<WireResponse>[] = [];
    page.on("response", (res) => seen.push(wireResponseOf(res)));
    await page.goto(url, { waitUntil: "commit" });
    await page.waitForFunction(() => (globalThis as { __lmsFirstPage?: ProbeState }).__lmsFirstPage?.domReadyMs !== undefined, undefined, {
      timeout: 30_000,
    });
    // What the first page needed has arrived by now; later responses (author names, categories) are data.
    const responses = await Promise.all([...seen]);
    await confirmInteractive(page);
    const probe = await page.evaluate(() => (globalThis as unknown as { __lmsFirstPage: ProbeState }).__lmsFirstPage);
    return { interactiveMs: interactiveMs(probe.domReadyMs ?? Number.NaN, probe.longTasks), js: jsOnWire(responses) };
  } finally {
    await page.close().catch(() => undefined);
  }
}

/** The in-page condition as a person (and the browser tests) would see it. */
async function confirmInteractive(page: Page): Promise<void> {
  const search = page.getByRole("searchbox", { name: "Search the catalogue" });
  if (!(await search.isEnabled())) throw new Error('"Search the catalogue" is not enabled although the probe said so');
  await page.getByRole("main").getByRole("list").getByRole("link").first().waitFor({ state: "visible", timeout: 5_000 });
}

async function wireResponseOf(res: Response): Promise<WireResponse> {
  const request = res.request();
  const sizes = await request.sizes().catch(() => ({ responseBodySize: 0 }));
  // Chromium reports no body bytes (0, or -1) for an answer its cache gave.
  const onWire = sizes.responseBodySize > 0;
  return {
    url: res.url(),
    resourceType: request.resourceType(),
    // A late answer (data after the first page) may be read after its page closed: no header then.
    encoding: (await res.headerValue("content-encoding").catch(() => null)) ?? "",
    bodyBytes: onWire ? sizes.responseBodySize : 0,
    fromCache: !onWire,
  };
}
