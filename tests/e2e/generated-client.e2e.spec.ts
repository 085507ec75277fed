import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTypes, typeCheck } from "./support/generated-types.js";
import { ADMIN, type Stack, startStack } from "./support/stack.js";

const SERVICES = ["auth", "author", "category", "book"] as const;
// Imported by a computed name: walk.ts needs the generated types, so tsconfig.json leaves it to typeCheck below.
const WALK = "./generated-client/walk.js";
type Walk = (urls: Record<(typeof SERVICES)[number], string>, admin: typeof ADMIN) => Promise<void>;

// Issue 15: a client generated from the committed OpenAPI 3.1 documents (openapi-typescript types,
// openapi-fetch at run time) runs the README walk-through with typed errors; only the server URL is set by hand.
describe("a client generated from api/openapi/*.json", () => {
  let stack: Stack;

  beforeAll(async () => {
    await generateTypes(SERVICES);
    stack = await startStack(SERVICES);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it("type-checks the walk-through against the generated types (a body missing a required field does not compile)", async () => {
    const { code, output } = await typeCheck(["tests/e2e/generated-client/walk.ts"]);
    expect(output).toBe("");
    expect(code).toBe(0);
  }, 120_000);

  it("runs the whole walk-through against the real services, errors included", async () => {
    const { walk } = (await import(WALK)) as { walk: Walk };
    const url = (svc: (typeof SERVICES)[number]) => stack.services[svc].baseUrl;
    await walk({ auth: url("auth"), author: url("author"), category: url("category"), book: url("book") }, ADMIN);
  }, 60_000);
});
