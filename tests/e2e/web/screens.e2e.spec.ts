import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditPage, describeViolations } from "../support/axe.js";
import { chromiumAvailable, closeBrowser, launchChromium, warnBrowserMissing } from "../support/browser.js";
import { startWebAppStack, type WebAppStack } from "../support/web-app-stack.js";
import { type SeededCatalogue, seedCatalogue } from "../support/web-catalogue.js";
import {
  type AppTab,
  navTo,
  openApp,
  overflowX,
  shootReadmeImage,
  shootScreen,
  signIn,
  WIDTHS,
  type Width,
  waitForScreen,
} from "../support/web-pages.js";

// DESIGN.md §9, issue 18: every patron-facing screen at a phone's and a desktop's width, in
// headless Chromium against the real origin: axe-core finds no serious or critical violation,
// nothing scrolls sideways, and a full-page screenshot of each lands in test-results/web/.
const browserPresent = chromiumAvailable();
if (!browserPresent) warnBrowserMissing("web app: screens, axe-core and screenshots");
describe.skipIf(!browserPresent)("web app: the public and patron screens at 390 and 1440 px", { timeout: 120_000 }, () => {
  let app: WebAppStack;
  let browser: Browser;
  let catalogue: SeededCatalogue;
  let tab: AppTab | undefined;
  const patron = { name: "Grace Borrower", email: "grace.borrower@e2e.test", password: "a long patron passphrase" };

  beforeAll(async () => {
    [app, browser] = await Promise.all([startWebAppStack(), launchChromium()]);
    catalogue = await seedCatalogue(app);
    // My loans with something in it: one book on loan, one returned.
    await app.createUser(patron);
    const token = await app.login(patron);
    const [onLoan, returned] = [catalogue.books.get("Parable of the Sower"), catalogue.books.get("Invisible Cities")];
    await app.api("POST", `/api/v1/books/${onLoan}/borrow`, token, {});
    await app.api("POST", `/api/v1/books/${returned}/borrow`, token, {});
    await app.api("POST", `/api/v1/books/${returned}/return`, token, {});
  });
  afterAll(async () => {
    await tab?.close();
    await closeBrowser(browser);
    await app?.stop();
  });

  /** Screenshot, sideways overflow and axe for the screen shown now; its serious/critical findings. */
  async function check(page: Page, screen: string, width: Width): Promise<string[]> {
    await shootScreen(page, screen, width);
    expect(await overflowX(page), `${screen} at ${width} px scrolls sideways`).toBeLessThanOrEqual(0);
    const blocking = await auditPage(page, `${screen} at ${width} px`);
    return blocking.length ? [`${screen} at ${width} px:\n${describeViolations(blocking)}`] : [];
  }

  for (const width of WIDTHS) {
    it(`shows a visitor the catalogue, a book, sign in and create account at ${width} px`, async () => {
      await tab?.close();
      tab = await openApp(browser, app.baseUrl, width);
      const { page } = tab;
      const findings: string[] = [];

      await waitForScreen(page, "Catalogue");
      await page.getByText("Showing 1–6 of 6 books").waitFor();
      findings.push(...(await check(page, "catalogue", width)));

      await page.getByRole("link", { name: "The Left Hand of Darkness" }).click();
      await waitForScreen(page, "The Left Hand of Darkness");
      await page.getByRole("heading", { name: "Recommended" }).waitFor();
      findings.push(...(await check(page, "book-visitor", width)));

      await page.getByRole("link", { name: "Sign in", exact: true }).first().click();
      await waitForScreen(page, "Sign in");
      findings.push(...(await check(page, "sign-in", width)));

      await page.getByRole("link", { name: "Create account" }).first().click();
      await waitForScreen(page, "Create account");
      findings.push(...(await check(page, "create-account", width)));

      expect(findings, findings.join("\n")).toEqual([]);
      expect(tab.problems).toEqual([]);
    });

    it(`shows a member the catalogue, a book with Borrow and My loans at ${width} px`, async () => {
      await tab?.close();
      tab = await openApp(browser, app.baseUrl, width);
      const { page } = tab;
      const findings: string[] = [];
      await signIn(page, patron);
      await waitForScreen(page, "Catalogue");
      await page.getByText("Showing 1–6 of 6 books").waitFor();
      findings.push(...(await check(page, "catalogue-member", width)));
      if (width === 1440) await shootReadmeImage(page, "web-catalogue");

      await page.getByRole("link", { name: "Kindred" }).click();
      await waitForScreen(page, "Kindred");
      await page.getByRole("button", { name: "Borrow" }).waitFor();
      findings.push(...(await check(page, "book", width)));

      await navTo(page, "My loans");
      await page.getByRole("button", { name: "Renew" }).waitFor();
      await page.getByRole("region", { name: "Past loans" }).getByText("Invisible Cities").waitFor();
      findings.push(...(await check(page, "my-loans", width)));

      expect(findings, findings.join("\n")).toEqual([]);
      expect(tab.problems).toEqual([]);
    });
  }
});
