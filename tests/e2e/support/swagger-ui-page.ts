// Driving Swagger UI in a real browser: what the document lists, what the page rendered, the
// Authorize dialog and "Try it out", as the Swagger UI e2e spec uses them.
import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

type Body = Record<string, unknown>;
const HTTP_METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options"]);

/** "METHOD /path" of every operation in an OpenAPI 2.0 document. */
export function documentOperations(doc: Body): string[] {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => HTTP_METHODS.has(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
}

/** The one operation block of `METHOD /path` (Swagger UI keeps the raw path in `data-path`). */
export function operation(page: Page, op: string): Locator {
  const [method, path] = op.split(" ");
  return page
    .locator(`.opblock.opblock-${method.toLowerCase()}`)
    .filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
}

/** "METHOD /path" of every operation block Swagger UI rendered. */
export async function renderedOperations(page: Page): Promise<string[]> {
  return page.locator(".opblock").evaluateAll((blocks) =>
    blocks.map((b) => {
      const method = b.querySelector(".opblock-summary-method")?.textContent?.trim() ?? "?";
      const path = b.querySelector(".opblock-summary-path")?.getAttribute("data-path") ?? "?";
      return `${method.toUpperCase()} ${path}`;
    }),
  );
}

/** Opens the service's Swagger UI and waits until its operations are rendered. */
export async function openSwaggerUi(page: Page, baseUrl: string): Promise<void> {
  const res = await page.goto(`${baseUrl}/`);
  expect(res?.status(), "GET / answers the Swagger UI page").toBe(200);
  expect(res?.headers()["content-security-policy"], "the page is sent with a CSP").toContain("script-src 'self'");
  await page.locator(".swagger-ui .opblock").first().waitFor();
  await expect.poll(() => page.locator(".swagger-ui .errors-wrapper").count(), { message: "no spec errors" }).toBe(0);
  // Both documents are offered, the OpenAPI 3.1 one first and shown by default.
  const choices = await page.locator(".topbar select option").allTextContents();
  expect(choices.map((c) => c.replace(/^\w+ /, ""))).toEqual(["(OpenAPI 3.1)", "(Swagger 2.0)"]);
  await expect(page.locator(".info .version-stamp").textContent()).resolves.toContain("OAS 3.1");
}

/** Authorize → the bare token (an http bearer scheme adds `Bearer `) → Authorize → Close, then checks the UI shows itself authorized. */
export async function authorize(page: Page, token: string): Promise<void> {
  const openButton = page.locator(".scheme-container .auth-wrapper .btn.authorize");
  await openButton.click();
  const modal = page.locator(".dialog-ux .modal-ux");
  await modal.waitFor();
  const scheme = modal.locator(".auth-container").filter({ has: page.locator("h4 code", { hasText: "bearer" }) });
  await expect(scheme.locator("h4").textContent()).resolves.toContain("http, Bearer");
  await scheme.locator("input").fill(token);
  await modal.locator(".auth-btn-wrapper button.authorize").click();
  await scheme.locator("h6", { hasText: "Authorized" }).waitFor();
  await modal.locator(".auth-btn-wrapper button.btn-done").click();
  await modal.waitFor({ state: "detached" });
  await page.locator(".scheme-container .auth-wrapper .btn.authorize.locked").waitFor();
}

export interface LiveResponse {
  /** The "Code" cell of the server response, e.g. "200" (or "Undocumented" when the call failed). */
  status: string;
  body: Body;
  requestUrl: string;
  curl: string;
}

/**
 * Expands `op`, turns on "Try it out" if it is not already, fills path/query parameters and the
 * JSON body, executes, and reads the live server response back from the page.
 */
export async function tryItOut(
  page: Page,
  op: string,
  input: { params?: Record<string, string>; body?: unknown } = {},
): Promise<LiveResponse> {
  const block = operation(page, op);
  await expect(block.count(), `one block for ${op}`).resolves.toBe(1);
  const details = block.locator(".opblock-body");
  if (!(await details.isVisible())) await block.locator(".opblock-summary-control").click();
  await details.waitFor();
  const tryOut = details.locator(".try-out__btn");
  if ((await tryOut.textContent())?.trim() === "Try it out") await tryOut.click();
  for (const [name, value] of Object.entries(input.params ?? {})) {
    await details.locator(`tr[data-param-name="${name}"] input`).fill(value);
  }
  if (input.body !== undefined) {
    await details.locator("textarea.body-param__text").fill(JSON.stringify(input.body, null, 2));
  }
  await details.locator("button.execute").click();
  const live = details.locator(".live-responses-table");
  await live.waitFor();
  const status = (await live.locator("tbody tr.response .response-col_status").textContent())?.trim() ?? "";
  const bodyText = (await live.locator("tbody .response-col_description .highlight-code pre").first().textContent()) ?? "";
  let body: Body;
  try {
    body = JSON.parse(bodyText) as Body;
  } catch {
    throw new Error(`${op}: Swagger UI showed status ${status} with a body that is not JSON: ${bodyText.slice(0, 500)}`);
  }
  return {
    status,
    body,
    requestUrl: (await details.locator(".request-url pre").textContent())?.trim() ?? "",
    curl: (await details.locator(".curl-command pre").textContent()) ?? "",
  };
}

/** Checks that a response rendered by Swagger UI came from `baseUrl` and (when `token`) carried the bearer. */
export function expectSentTo(res: LiveResponse, url: string, token?: string): void {
  expect(res.requestUrl).toBe(url);
  if (token) expect(res.curl).toContain(`Authorization: Bearer ${token}`);
  else expect(res.curl).not.toContain("Authorization:");
}
