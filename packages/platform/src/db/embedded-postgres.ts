import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** A PGlite database served on a private unix socket, so the `pg` driver talks to it as to a server. */
export interface EmbeddedPostgres {
  /** Directory holding the socket; pass as `host` to `pg` (port {@link EMBEDDED_PORT}). */
  socketDir: string;
  close(): Promise<void>;
}

/** The port number in the socket's file name (`.s.PGSQL.5432`); no TCP port is opened. */
export const EMBEDDED_PORT = 5432;

/**
 * Starts PGlite persisted in `dataDir` (or in memory for "memory://") behind
 * pglite-socket. One PGlite is one session: transactions are serialised, which is
 * correct but not parallel. Loaded lazily so services on a real server never pay for it.
 */
export async function startEmbeddedPostgres(dataDir: string, maxConnections: number): Promise<EmbeddedPostgres> {
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([import("@electric-sql/pglite"), import("@electric-sql/pglite-socket")]);
  const inMemory = dataDir.startsWith("memory://");
  if (!inMemory) await mkdir(resolve(dataDir), { recursive: true });
  const db = await PGlite.create(inMemory ? dataDir : resolve(dataDir));
  // Unix socket paths are limited to ~100 bytes, so the socket lives in a short temp dir.
  const socketDir = await mkdtemp(join(tmpdir(), "lms-pg-"));
  const server = new PGLiteSocketServer({
    db,
    path: join(socketDir, `.s.PGSQL.${EMBEDDED_PORT}`),
    maxConnections: maxConnections + 2,
  });
  await server.start();
  return {
    socketDir,
    async close() {
      await server.stop();
      await db.close();
      await rm(socketDir, { recursive: true, force: true });
    },
  };
}
