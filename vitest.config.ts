import { defineConfig } from "vitest/config";

// The three tiers of STYLE.md rule 12, by where a spec lives; `npm run test:<tier>` runs one
// (`vitest run --project <tier>`), `npx vitest run` all of them.
const tier = (name: string, include: string[]) => ({
  test: {
    name,
    include,
    pool: "forks" as const,
    testTimeout: 30_000,
    // Suites that start services or databases get long hooks.
    hookTimeout: 180_000,
  },
});

export default defineConfig({
  test: {
    // Two cores here: two worker processes.
    maxWorkers: 2,
    // Once per run, whatever the tiers (the projects do not inherit it, so it is not repeated).
    globalSetup: ["tests/support/announce-database.ts"],
    projects: [
      // Next to the code: fakes, in-process servers; a few platform specs also use the test PostgreSQL.
      tier("unit", [
        "packages/*/src/**/*.spec.ts",
        "packages/web/server/**/*.spec.ts",
        "packages/web/shared/**/*.spec.ts",
        "bench/**/*.spec.ts",
      ]),
      // A fresh real database per suite.
      tier("integration", ["packages/*/test/**/*.spec.ts"]),
      // Real processes over REST and @grpc/grpc-js; the deploy files, images and manifests.
      tier("e2e", ["tests/e2e/**/*.spec.ts", "tests/deploy/**/*.spec.ts"]),
    ],
  },
});
