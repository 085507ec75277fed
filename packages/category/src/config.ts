import { baseConfigSchema, parseConfig } from "@lms/platform";

const schema = baseConfigSchema({ httpPort: 8083, grpcPort: 50053 });

/** The category service's configuration (DESIGN.md §1): only the shared variables. */
export type CategoryConfig = ReturnType<typeof loadCategoryConfig>["config"];

/** Parses the environment once; every bad variable is reported together. */
export function loadCategoryConfig(env: Record<string, string | undefined> = process.env) {
  return parseConfig(schema, env);
}
