import { randomBytes } from "node:crypto";
import pg from "pg";
import type { EmbeddedPostgres } from "./embedded-postgres.js";
import { embeddedUrl } from "./embedded-rules.js";

/**
 * Makes `role` able to log in over TCP with a new random password and gives it `database`
 * (created, owned by it and closed to other roles, when missing); returns its URL. The password
 * changes at every start and lives only in the URL handed to the process that uses it, so no
 * secret is written to disk and no other local user can log in on the port.
 */
export async function grantDatabase(
  server: EmbeddedPostgres,
  who: { role: string; database: string },
  say: (line: string) => void = () => {},
): Promise<string> {
  const password = randomBytes(18).toString("base64url");
  const admin = new pg.Client(server.adminConnection());
  await admin.connect();
  try {
    const role = admin.escapeIdentifier(who.role);
    const roleExists = (await admin.query("select 1 from pg_roles where rolname = $1", [who.role])).rowCount === 1;
    await admin.query(`${roleExists ? "alter" : "create"} role ${role} login password ${admin.escapeLiteral(password)}`);
    const dbExists = (await admin.query("select 1 from pg_database where datname = $1", [who.database])).rowCount === 1;
    if (!dbExists) {
      say(`creating database ${who.database} (role ${who.role})`);
      const database = admin.escapeIdentifier(who.database);
      await admin.query(`create database ${database} owner ${role}`);
      await admin.query(`revoke all on database ${database} from public`);
    }
  } finally {
    await admin.end();
  }
  return embeddedUrl(who.role, password, server.port, who.database);
}
