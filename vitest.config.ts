import react from "@vitejs/plugin-react";
import { configDefaults, defineConfig } from "vitest/config";

// The three tiers of STYLE.md rule 12, by where a spec lives; `npm run test:<tier>` runs one
// (`vitest run --project <tier>`), `npx vitest run` all of them.
const tier = (name: string, include: string[], exclude: string[] = []) => ({
  test: {
    name,
    include,
    exclude: [...configDefaults.exclude, ...exclude],
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
      // The web app's specs (packages/web/src, scripts) match this glob too but need a DOM: the
      // "web" project runs them; the origin server and the shared route table are plain Node.
      tier(
        "unit",
        ["packages/*/src/**/*.spec.ts", "packages/web/server/**/*.spec.ts", "packages/web/shared/**/*.spec.ts", "bench/**/*.spec.ts"],
        ["packages/web/src/**", "packages/web/scripts/**"],
      ),
      // A fresh real database per suite.
      tier("integration", ["packages/*/test/**/*.spec.ts"]),
      // Real processes over REST and @grpc/grpc-js; the deploy files, images and manifests.
      tier("e2e", ["tests/e2e/**/*.spec.ts", "tests/deploy/**/*.spec.ts"]),
      // The web app's component specs: jsdom, a fake fetch at the network boundary (`npm run test:web`,
      // also in `npm run test:unit`). Its few Node-only specs say `@vitest-environment node`.
      {
        plugins: [react()],
        test: {
          name: "web",
          include: ["packages/web/{src,scripts}/**/*.spec.{ts,tsx}"],
          environment: "jsdom",
          setupFiles: ["packages/web/src/test/setup.ts"],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
