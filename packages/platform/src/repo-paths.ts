import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Root of the repository (where api/ and packages/ live): `LMS_ROOT` when set — the bundled
 * build (`dist/<svc>/main.js`, the container image) sets it, since a bundle no longer sits at
 * packages/platform/src — else computed from this file's place in the source tree.
 */
export const REPO_ROOT = process.env.LMS_ROOT?.trim() || resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The committed OpenAPI 2.0 (Swagger) document of a service. */
export function swaggerFileOf(service: string): string {
  return join(REPO_ROOT, "api", "swagger", `${service}.swagger.json`);
}

/** The committed OpenAPI 3.1 document of a service. */
export function openApiFileOf(service: string): string {
  return join(REPO_ROOT, "api", "openapi", `${service}.json`);
}

/** The migrations folder of a service. */
export function migrationsDirOf(service: string): string {
  return join(REPO_ROOT, "packages", service, "migrations");
}
