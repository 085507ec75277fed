// @vitest-environment node
import { describe, expect, it } from "vitest";
import { generateApiTypes, readCommitted } from "./api-types.js";

// The app is type-checked against the committed types; this keeps them equal to api/openapi.
describe("packages/gen/openapi", () => {
  it("matches a fresh generation from api/openapi/*.json", { timeout: 60_000 }, async () => {
    const stale: string[] = [];
    for (const [name, text] of await generateApiTypes()) if (readCommitted(name) !== text) stale.push(name);
    expect(stale, `stale generated API types, run \`npm run generate\`: ${stale.join(", ")}`).toEqual([]);
  });
});
