// The staff screens as the browser specs use them (DESIGN.md §9 names): Manage's forms, the
// book page's copies, the Circulation desk. Role, label and text locators only.
import type { Page } from "playwright-core";
import { partNamed, tableRows } from "./web-forms.js";
import { navTo, waitForScreen } from "./web-pages.js";

/** Opens the Manage form `name` ("New author", …) with its button; only one form is open at a time. */
export async function openForm(page: Page, name: string): Promise<void> {
  await page.getByRole("button", { name, exact: true }).click();
  await page.getByRole("heading", { name, exact: true }).waitFor();
}

/** Presses the open form's "Save" and waits for Manage to say `said`. */
export async function save(page: Page, said: string): Promise<void> {
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByRole("status").filter({ hasText: said }).waitFor();
}

/** Opens the book page of `title` from the catalogue's search, as anyone finds a book. */
export async function openBook(page: Page, title: string): Promise<void> {
  await navTo(page, "Catalogue");
  await page.getByLabel("Search the catalogue").fill(title);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await page.getByRole("link", { name: title, exact: true }).click();
  await waitForScreen(page, title);
}

/** The book page's copies as [barcode, status] rows (librarians see them). */
export async function copiesOf(page: Page): Promise<string[][]> {
  const copies = partNamed(page, "Copies");
  await copies.getByRole("table").waitFor();
  return tableRows(copies);
}

/** Waits until the book page's copies list shows the copy `barcode` with `status`. */
export async function copyShows(page: Page, barcode: string, status: string): Promise<void> {
  await partNamed(page, "Copies").getByRole("row").filter({ hasText: barcode }).filter({ hasText: status }).waitFor();
}

/**
 * Fills the desk's "Patron" (when given) and "Barcode", presses `button` and waits for the desk
 * to say `expected`; the sentence it said.
 */
export async function atDesk(
  page: Page,
  button: "Check out" | "Check in",
  expected: RegExp,
  barcode: string,
  patron?: string,
): Promise<string> {
  if (patron !== undefined) await page.getByLabel("Patron", { exact: true }).fill(patron);
  await page.getByLabel("Barcode", { exact: true }).fill(barcode);
  await page.getByRole("button", { name: button, exact: true }).click();
  const said = page.getByRole("status").filter({ hasText: expected });
  await said.waitFor();
  return (await said.textContent()) ?? "";
}
