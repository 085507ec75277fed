// `npm run generate` (root) → writes packages/gen/openapi/<service>.ts (imported as @lms/gen/openapi/<service>).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GENERATED_DIR, generateApiTypes } from "./api-types.js";

mkdirSync(GENERATED_DIR, { recursive: true });
for (const [name, text] of await generateApiTypes()) writeFileSync(join(GENERATED_DIR, name), text);
