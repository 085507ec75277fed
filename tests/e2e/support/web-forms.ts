// Filling the staff screens' forms by what a person reads (DESIGN.md §9 names), whatever control
// a field is: a select, a text field (with suggestions or not), a multiple select or checkboxes.
import type { Locator, Page } from "playwright-core";

/** The part of the page named `name` (e.g. the book page's "Copies"): a form, a region or a dialog with that accessible name. */
export function partNamed(page: Page, name: string): Locator {
  return page
    .getByRole("form", { name, exact: true })
    .or(page.getByRole("region", { name, exact: true }))
    .or(page.getByRole("dialog", { name, exact: true }))
    .first();
}

/** Sets the field labelled `label` in `scope` to `value`: picks the option of a select, else types it. */
export async function setField(scope: Locator | Page, label: string, value: string): Promise<void> {
  const field = scope.getByLabel(label, { exact: true });
  const tag = await field.evaluate((el) => el.tagName);
  if (tag === "SELECT") await field.selectOption({ label: value });
  else await field.fill(value);
}

/**
 * Chooses `values` in the multi-choice field `label`: a multiple select, else the checkboxes of
 * the group with that name.
 */
export async function chooseAll(scope: Locator | Page, label: string, values: string[]): Promise<void> {
  const group = scope.getByRole("group", { name: label, exact: true });
  if ((await group.count()) > 0) {
    for (const v of values) await group.getByRole("checkbox", { name: v, exact: true }).check();
    return;
  }
  await scope.getByLabel(label, { exact: true }).selectOption(values.map((label) => ({ label })));
}

/** The cells of each body row of the table in `scope`, as text. */
export async function tableRows(scope: Locator): Promise<string[][]> {
  const rows = scope.getByRole("row");
  const out: string[][] = [];
  for (const row of await rows.all()) {
    const cells = await row.getByRole("cell").allTextContents();
    if (cells.length) out.push(cells.map((c) => c.trim()));
  }
  return out;
}
