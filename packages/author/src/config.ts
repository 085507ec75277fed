import { baseConfigSchema, parseConfig } from "@lms/platform";

const schema = baseConfigSchema({ httpPort: 8082, grpcPort: 50052 });

/** The author service's configuration (DESIGN.md §1): only the shared variables. */
export type AuthorConfig = ReturnType<typeof loadAuthorConfig>["config"];

/** Parses the environment once; every bad variable is reported together. */
export function loadAuthorConfig(env: Record<string, string | undefined> = process.env) {
  return parseConfig(schema, env);
}
