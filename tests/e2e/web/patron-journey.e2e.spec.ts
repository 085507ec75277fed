import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, closeBrowser, launchChromium, warnBrowserMissing } from "../support/browser.js";
import { nextIsbn } from "../support/fixtures.js";
import { startWebAppStack, type WebAppStack } from "../support/web-app-stack.js";
import { seedCatalogue } from "../support/web-catalogue.js";
import { type AppTab, logOut, navTo, openApp, tabTo, waitForScreen } from "../support/web-pages.js";

/** The titles a result list shows, in order. */
async function resultTitles(page: Page): Promise<string[]> {
  return page.getByRole("main").getByRole("list").getByRole("link").allTextContents();
}

/** The book page's own "N of M available" (the first on the page: recommendations come after it). */
function availability(page: Page, text: string) {
  return page.getByRole("main").getByText(text, { exact: true }).first();
}

// DESIGN.md §9, issue 18: a patron in headless Chromium against the real origin and services.
const browserPresent = chromiumAvailable();
if (!browserPresent) warnBrowserMissing("web app: the patron's journey");
describe.skipIf(!browserPresent)("web app: a patron registers, searches, borrows, renews, returns", { timeout: 120_000 }, () => {
  let app: WebAppStack;
  let browser: Browser;
  let tab: AppTab | undefined;
  const patron = { name: "Ada Reader", email: "ada.reader@e2e.test", password: "a long patron passphrase" };

  beforeAll(async () => {
    [app, browser] = await Promise.all([startWebAppStack(), launchChromium()]);
    await seedCatalogue(app);
  });
  afterAll(async () => {
    await tab?.close();
    await closeBrowser(browser);
    await app?.stop();
  });

  it("goes from a new account to a returned loan without an error in the page", async () => {
    tab = await openApp(browser, app.baseUrl);
    const { page } = tab;

    // Create account from the header, as a visitor.
    await page.getByRole("link", { name: "Create account" }).click();
    await waitForScreen(page, "Create account");
    await page.getByLabel("Name").fill(patron.name);
    await page.getByLabel("Email").fill(patron.email);
    await page.getByLabel("Password").fill(patron.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("button", { name: "Log out" }).waitFor();
    await page.getByRole("banner").getByText(patron.email).waitFor();
    await waitForScreen(page, "Catalogue");

    // Search the catalogue, then narrow by a filter and "Available only".
    await page.getByLabel("Search the catalogue").fill("the");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.getByText("Showing 1–4 of 4 books").waitFor();
    expect(await resultTitles(page)).toEqual([
      "Parable of the Sower",
      "The Baron in the Trees",
      "The Dispossessed",
      "The Left Hand of Darkness",
    ]);
    await page.getByLabel("Category").selectOption({ label: "Science fiction" });
    await page.getByText("Showing 1–3 of 3 books").waitFor();
    await page.getByLabel("Available only").check();
    await page.getByText("Showing 1–2 of 2 books").waitFor();
    expect(await resultTitles(page)).toEqual(["Parable of the Sower", "The Left Hand of Darkness"]);

    // Open the book by its title and borrow it.
    await page.getByRole("link", { name: "The Left Hand of Darkness" }).click();
    await waitForScreen(page, "The Left Hand of Darkness");
    await availability(page, "2 of 2 available").waitFor();
    await page.getByRole("button", { name: "Borrow" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: /^Borrowed\. Due back / })
      .waitFor();
    await availability(page, "1 of 2 available").waitFor();

    // My loans: the loan with its due date; renew it, then return it.
    await navTo(page, "My loans");
    const loan = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: "The Left Hand of Darkness" }) });
    await expect(loan.getByText(/^Due /).textContent()).resolves.toMatch(/^Due \w/);
    await loan.getByRole("button", { name: "Renew" }).click();
    await loan
      .getByRole("status")
      .filter({ hasText: /^Renewed\. Now due / })
      .waitFor();
    await loan.getByText("Renewed once").waitFor();
    await loan.getByRole("button", { name: "Return" }).click();
    await page.getByText("You have no books on loan.", { exact: false }).waitFor();
    const past = page.getByRole("region", { name: "Past loans" });
    await past.getByText("The Left Hand of Darkness").waitFor();
    await expect(past.getByText(/^Borrowed .*, returned /).count()).resolves.toBe(1);

    // The API agrees: one returned loan, renewed once; the copy is back.
    const token = await app.login(patron);
    const loans = (await app.api("GET", "/api/v1/loans", token)).body.loans as { renewalCount: number; returnedAt: string | null }[];
    expect(loans.map((l) => [l.renewalCount, Boolean(l.returnedAt)])).toEqual([[1, true]]);

    // Log out: My loans is gone from the nav and asks to sign in again.
    await logOut(page);
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My loans" }).count()).resolves.toBe(0);
    await page.goto("/loans");
    await page.getByRole("button", { name: "Log in" }).waitFor();
    expect(tab.problems).toEqual([]);
  });

  it("signs in, searches, opens a book and borrows it with the keyboard only", async () => {
    // Its own member, so this test does not depend on the journey above having run.
    const reader = { name: "Kim Keys", email: "kim.keys@e2e.test", password: "a long keyboard passphrase" };
    await app.createUser(reader);
    await tab?.close();
    tab = await openApp(browser, app.baseUrl);
    const { page } = tab;
    await waitForScreen(page, "Catalogue");

    await tabTo(page, "link", "Sign in");
    await page.keyboard.press("Enter");
    await waitForScreen(page, "Sign in");
    await tabTo(page, "textbox", "Email");
    await page.keyboard.type(reader.email);
    await page.keyboard.press("Tab");
    await page.keyboard.type(reader.password);
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Log out" }).waitFor();
    await waitForScreen(page, "Catalogue");

    await tabTo(page, "searchbox", "Search the catalogue");
    await page.keyboard.type("kindred");
    await page.keyboard.press("Enter");
    await page.getByText("Showing 1–1 of 1 book").waitFor();
    await tabTo(page, "link", "Kindred");
    await page.keyboard.press("Enter");
    await waitForScreen(page, "Kindred");
    await availability(page, "3 of 3 available").waitFor();
    await tabTo(page, "button", "Borrow");
    await page.keyboard.press("Enter");
    await availability(page, "2 of 3 available").waitFor();
    await page
      .getByRole("status")
      .filter({ hasText: /^Borrowed\./ })
      .waitFor();
    expect(tab.problems).toEqual([]);
  });
  it("pages through every result, and Back from a book returns to the same page", async () => {
    const author = String((await app.api("POST", "/api/v1/authors", app.admin, { name: "A. Cartographer" })).body.id);
    for (let i = 1; i <= 21; i++) {
      const title = `Atlas of Rivers, volume ${String(i).padStart(2, "0")}`;
      await app.api("POST", "/api/v1/books", app.admin, { title, isbn: nextIsbn(), authorId: author, totalCopies: 1 });
    }
    await tab?.close();
    tab = await openApp(browser, app.baseUrl);
    const { page } = tab;
    await waitForScreen(page, "Catalogue");
    await page.getByLabel("Search the catalogue").fill("atlas of rivers");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.getByText("Showing 1–20 of 21 books").waitFor();
    await expect(page.getByRole("button", { name: "Previous page" }).isDisabled()).resolves.toBe(true);
    await page.getByRole("button", { name: "Next page" }).click();
    await page.getByText("Showing 21–21 of 21 books").waitFor();
    expect(await resultTitles(page)).toEqual(["Atlas of Rivers, volume 21"]);
    await expect(page.getByRole("button", { name: "Next page" }).isDisabled()).resolves.toBe(true);

    await page.getByRole("link", { name: "Atlas of Rivers, volume 21" }).click();
    await waitForScreen(page, "Atlas of Rivers, volume 21");
    await page.goBack();
    await page.getByText("Showing 21–21 of 21 books").waitFor();
    await expect(page.getByLabel("Search the catalogue").inputValue()).resolves.toBe("atlas of rivers");
    await page.getByRole("button", { name: "Previous page" }).click();
    await page.getByText("Showing 1–20 of 21 books").waitFor();
    expect(await resultTitles(page)).toHaveLength(20);
    expect(tab.problems).toEqual([]);
  });
});
