// What the web app's browser specs do with a page: open it at a width, sign in the way a person
// does, move by keyboard, save screenshots. Locators are by role, label and text only.
import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { REPO_ROOT } from "@lms/platform/repo-paths";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { saveScreenshot } from "./browser.js";
import type { Credentials } from "./web-app-stack.js";

/** The two widths DESIGN §9 / issue 18 name: a phone and a desktop. */
export const WIDTHS = [390, 1440] as const;
export type Width = (typeof WIDTHS)[number];
const HEIGHT: Record<Width, number> = { 390: 844, 1440: 900 };

/** A page in its own context (own storage: its own session), with what went wrong in it so far. */
export interface AppTab {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console errors (a failed request is logged as one too). */
  problems: string[];
  close(): Promise<void>;
}

/** Opens a fresh tab `width` pixels wide on `baseUrl`, recording page errors and console errors. */
export async function openApp(browser: Browser, baseUrl: string, width: Width = 1440): Promise<AppTab> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width, height: HEIGHT[width] } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const problems: string[] = [];
  page.on("pageerror", (err) => problems.push(`page error: ${String(err)}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()} (${m.location().url})`);
  });
  await page.goto("/");
  return { context, page, problems, close: () => context.close().catch(() => undefined) };
}

/** Resizes the page to `width` (and that width's height). */
export async function setWidth(page: Page, width: Width): Promise<void> {
  await page.setViewportSize({ width, height: HEIGHT[width] });
}

/** Waits until the screen with heading `heading` is shown (its data loaded: no "Loading …" left). */
export async function waitForScreen(page: Page, heading: string | RegExp): Promise<void> {
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
  await page
    .getByText(/^Loading .*…$/)
    .first()
    .waitFor({ state: "detached" });
}

/** Follows the header nav's link `label` (e.g. "My loans") and waits for that screen's heading `heading`. */
export async function navTo(page: Page, label: string, heading = label): Promise<void> {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label, exact: true }).click();
  await waitForScreen(page, heading);
}

/** Signs in on the "Sign in" page through the header link, as a person does. */
export async function signIn(page: Page, who: Credentials): Promise<void> {
  await page.getByRole("link", { name: "Sign in", exact: true }).click();
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("button", { name: "Log out" }).waitFor();
}

/** Logs out with the header's "Log out" and waits for the "Sign in" link to come back. */
export async function logOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("link", { name: "Sign in", exact: true }).waitFor();
}

/**
 * Presses Tab until the control with `role` and `name` has the focus (at most `limit` times);
 * throws when it never does, which is a keyboard trap or an unreachable control.
 */
export async function tabTo(page: Page, role: Parameters<Page["getByRole"]>[0], name: string, limit = 40): Promise<void> {
  const target = page.getByRole(role, { name, exact: true });
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
  }
  throw new Error(`${role} "${name}" was not reached with ${limit} presses of Tab`);
}

/** Pixels the page is wider than the window: 0 or less when nothing scrolls sideways. */
export function overflowX(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** Saves the whole page as test-results/web/<screen>-<width>.png. */
export async function shootScreen(page: Page, screen: string, width: Width): Promise<string> {
  return saveScreenshot(page, join("web", `${screen}-${width}`));
}

/**
 * A README picture: the visible part of the page (not the full page: small files), saved to
 * test-results/web/readme/<name>.png, and copied to docs/images/<name>.png when
 * `WEB_README_IMAGES=1` (so an ordinary run never changes committed files).
 */
export async function shootReadmeImage(page: Page, name: string): Promise<string> {
  const dir = join(REPO_ROOT, "test-results", "web", "readme");
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path });
  if (process.env.WEB_README_IMAGES === "1") {
    await mkdir(join(REPO_ROOT, "docs", "images"), { recursive: true });
    await copyFile(path, join(REPO_ROOT, "docs", "images", `${name}.png`));
  }
  return path;
}
