import { createTestDatabase, type TestDatabase } from "@lms/platform/testing/test-database";
import { freePort } from "./ports.js";
import { ServiceProcess } from "./service-process.js";

export const SERVER_KEY = "e2e-server-key";
export const ADMIN = { email: "admin@e2e.test", password: "admin-password-e2e" };

/** Real service processes on fresh real databases, wired to each other like `make run` wires them. */
export interface Stack {
  services: Record<string, ServiceProcess>;
  /** gRPC addresses reserved for every service, running or not (a down peer answers UNAVAILABLE). */
  grpcAddr: Record<string, string>;
  /** Each started service's database URL, for specs that look inside (e.g. auth's signing keys). */
  databaseUrls: Record<string, string>;
  stop(): Promise<void>;
}

const ALL = ["auth", "author", "category", "book"] as const;

/** How a stack is started besides the defaults. */
export interface StackOptions {
  /** Extra or overriding variables for every service. */
  env?: Record<string, string>;
  /** The DATABASE_URL a service gets for its fresh database `url` (e.g. through a fault proxy). */
  databaseUrl?: (service: string, url: string) => string | Promise<string>;
}

/** Starts `names` (auth first) each in its own process with its own database. */
export async function startStack(names: readonly string[], opts: StackOptions = {}): Promise<Stack> {
  const ports = Object.fromEntries(
    await Promise.all(ALL.map(async (s) => [s, { http: await freePort(), grpc: await freePort() }] as const)),
  );
  const grpcAddr = Object.fromEntries(ALL.map((s) => [s, `127.0.0.1:${ports[s].grpc}`]));
  const shared: Record<string, string> = {
    SERVER_KEY,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: "info",
    HOST: "127.0.0.1",
    AUTH_GRPC_ADDR: grpcAddr.auth,
    AUTHOR_GRPC_ADDR: grpcAddr.author,
    CATEGORY_GRPC_ADDR: grpcAddr.category,
    BOOK_GRPC_ADDR: grpcAddr.book,
    AUTH_JWKS_URL: `http://127.0.0.1:${ports.auth.http}/.well-known/jwks.json`,
    RPC_TIMEOUT_MS: "3000",
    ...opts.env,
  };
  const databases: TestDatabase[] = [];
  const services: Record<string, ServiceProcess> = {};
  const databaseUrls: Record<string, string> = {};
  try {
    for (const name of names) {
      const db = await createTestDatabase(`${name}_e2e`);
      databases.push(db);
      databaseUrls[name] = db.url ?? "";
      const url = opts.databaseUrl ? await opts.databaseUrl(name, db.url ?? "") : (db.url ?? "");
      services[name] = new ServiceProcess(name, ports[name].http, ports[name].grpc, { ...shared, DATABASE_URL: url });
      await services[name].start();
    }
  } catch (err) {
    await Promise.all(Object.values(services).map((s) => s.stop()));
    await Promise.all(databases.map((d) => d.drop()));
    throw err;
  }
  return {
    services,
    grpcAddr,
    databaseUrls,
    async stop() {
      await Promise.all(Object.values(services).map((s) => s.stop()));
      await Promise.all(databases.map((d) => d.drop()));
    },
  };
}
