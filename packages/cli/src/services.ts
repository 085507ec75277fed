import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "@lms/platform/repo-paths";

/** The four service names of DESIGN.md §1, in start order (auth first: the others trust its keys). */
export const SERVICE_NAMES = ["auth", "author", "category", "book"] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

/** One row of DESIGN.md §1's table. */
export interface ServiceSpec {
  name: ServiceName;
  httpPort: number;
  grpcPort: number;
  /** Default database name (Docker Compose, real servers). */
  database: string;
  /** The REST collection printed by the launcher. */
  restPath: string;
}

export const SERVICES: readonly ServiceSpec[] = [
  { name: "auth", httpPort: 8081, grpcPort: 50051, database: "auth_db", restPath: "/api/v1/auth" },
  { name: "author", httpPort: 8082, grpcPort: 50052, database: "author_db", restPath: "/api/v1/authors" },
  { name: "category", httpPort: 8083, grpcPort: 50053, database: "category_db", restPath: "/api/v1/categories" },
  { name: "book", httpPort: 8084, grpcPort: 50054, database: "book_db", restPath: "/api/v1/books" },
];

/** `AUTHOR` for author: the prefix of `<SERVICE>_DATABASE_URL`, `<SERVICE>_HTTP_PORT`, … */
export function envPrefixOf(name: ServiceName): string {
  return name.toUpperCase();
}

export function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}

/** The row of `name`; throws a message listing the known services for anything else. */
export function getService(name: string): ServiceSpec {
  const spec = SERVICES.find((s) => s.name === name);
  if (!spec) throw new Error(`unknown service "${name}" (known: ${SERVICE_NAMES.join(", ")})`);
  return spec;
}

/** The process entry of a service, relative to the repository root. */
export function entryOf(name: ServiceName): string {
  return join("packages", name, "src", "main.ts");
}

/** True when `packages/<name>/src/main.ts` exists under `root`. */
export function isPresent(name: ServiceName, root = REPO_ROOT): boolean {
  return existsSync(join(root, entryOf(name)));
}

/** The services whose code exists yet (`packages/<svc>/src/main.ts`), in start order. */
export function presentServices(root = REPO_ROOT): ServiceSpec[] {
  return SERVICES.filter((s) => isPresent(s.name, root));
}
