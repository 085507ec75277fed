import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Root of the repository (where api/ and packages/ live). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The committed OpenAPI document of a service. */
export function swaggerFileOf(service: string): string {
  return join(REPO_ROOT, "api", "swagger", `${service}.swagger.json`);
}

/** The migrations folder of a service. */
export function migrationsDirOf(service: string): string {
  return join(REPO_ROOT, "packages", service, "migrations");
}
