import { defineConfig } from "vitest/config";

// Two cores here: two worker processes; suites that start services or databases get long hooks.
export default defineConfig({
  test: {
    include: [
      "packages/*/src/**/*.spec.ts",
      "packages/*/test/**/*.spec.ts",
      "tests/e2e/**/*.spec.ts",
      "tests/deploy/**/*.spec.ts",
      "bench/**/*.spec.ts",
    ],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 180_000,
    globalSetup: ["tests/support/announce-database.ts"],
  },
});
