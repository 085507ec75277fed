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
  stop(): Promise<void>;
}

const ALL = ["auth", "author", "category", "book"] as const;

/** Starts `names` (auth first) each in its own process with its own database; `env` adds or overrides variables of all. */
export async function startStack(names: readonly string[], env: Record<string, string> = {}): Promise<Stack> {
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
    ...env,
  };
  const databases: TestDatabase[] = [];
  const services: Record<string, ServiceProcess> = {};
  try {
    for (const name of names) {
      const db = await createTestDatabase(`${name}_e2e`, "postgres");
      databases.push(db);
      services[name] = new ServiceProcess(name, ports[name].http, ports[name].grpc, { ...shared, DATABASE_URL: db.url ?? "" });
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
    async stop() {
      await Promise.all(Object.values(services).map((s) => s.stop()));
      await Promise.all(databases.map((d) => d.drop()));
    },
  };
}
