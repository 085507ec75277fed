import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "@lms/platform";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

/** Debian's Chromium (CI installs it with apt); `CHROMIUM_PATH` points elsewhere on other machines. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Where the browser specs save their screenshots (kept by CI as artifacts). */
export const SCREENSHOT_DIR = join(REPO_ROOT, "test-results");

/**
 * True when Chromium is installed. `make test` installs it when it can (scripts/system-packages.sh);
 * where it could not, browser suites skip and say so loudly ({@link warnBrowserMissing}).
 */
export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Says loudly, once per suite file, that a browser suite is skipped and how to run it. */
export function warnBrowserMissing(suite: string): void {
  console.warn(
    `[browser] SKIPPED ${suite}: Chromium not found at ${CHROMIUM_PATH}. Install it with ` +
      "`DEBIAN_FRONTEND=noninteractive apt-get install -y chromium` (or set CHROMIUM_PATH).",
  );
}

/** Launches the system's headless Chromium through playwright-core (which never downloads a browser). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}; the browser e2e specs need it. Install it with ` +
        "`DEBIAN_FRONTEND=noninteractive apt-get install -y chromium` (or set CHROMIUM_PATH to a Chromium binary).",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Closes a browser that may never have been launched. */
export async function closeBrowser(browser: Browser | undefined): Promise<void> {
  await browser?.close().catch(() => undefined);
}

/** A page in a fresh context (own storage, so nothing persists between pages), recording uncaught page errors. */
export interface BrowserPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions thrown by the page's scripts so far. */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openPage(browser: Browser): Promise<BrowserPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(String(err)));
  return { context, page, pageErrors, close: () => context.close().catch(() => undefined) };
}

/** Saves a full-page PNG at `test-results/<name>.png` (directories created) and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await mkdir(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true });
  return path;
}
