// deploy/docker-compose.yml, validated statically: Debian's `docker-compose config` parses,
// interpolates and schema-checks it; the resolved result and the file as written are then held to
// the issue's rules. compose-stack.spec.ts runs it on a real engine where one can be started.
import { accessSync, constants, readFileSync } from "node:fs";
import { join } from "node:path";
import { SERVICES } from "@lms/cli/services";
import { REPO_ROOT } from "@lms/platform";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMPOSE_FILE, type ComposeFile, composeAvailable, composeConfig, readComposeFile } from "./support/compose.js";
import { readDockerfile } from "./support/dockerfile.js";

const SECRETS = ["SERVER_KEY", "ADMIN_PASSWORD", "POSTGRES_PASSWORD", ...SERVICES.map((s) => `${s.name.toUpperCase()}_DB_PASSWORD`)];
const VARS = Object.fromEntries(SECRETS.map((k) => [k, `test-${k.toLowerCase().replaceAll("_", "-")}`]));
const INIT_MOUNT = "/docker-entrypoint-initdb.d";

// `make test` installs docker-compose when it can (scripts/system-packages.sh); where it could
// not, the specs that run it are skipped, and say so loudly.
const hasCompose = composeAvailable();
if (!hasCompose) {
  console.warn(
    "[compose] SKIPPED the specs that run docker-compose: it is not installed " +
      "(`DEBIAN_FRONTEND=noninteractive apt-get install -y docker-compose`).",
  );
}
const itWithCompose = it.skipIf(!hasCompose);

let rendered: ComposeFile | undefined;

/** The file as `docker-compose config` resolves it with every secret set (rendered once). */
function resolved(): ComposeFile {
  if (rendered) return rendered;
  const result = composeConfig(VARS);
  expect(result.status, result.stderr).toBe(0);
  rendered = parse(result.stdout) as ComposeFile;
  return rendered;
}

describe("deploy/docker-compose.yml", () => {
  itWithCompose("passes `docker-compose config` with every secret set", () => {
    const result = composeConfig(VARS, ["-q"]);
    expect(result.status, result.stderr).toBe(0);
  });

  // One docker-compose process per secret: seconds each on a loaded machine, hence the timeout.
  itWithCompose(
    "refuses to start while any secret is missing, naming it",
    () => {
      for (const secret of SECRETS) {
        const { [secret]: _left, ...rest } = VARS;
        const result = composeConfig(rest, ["-q"]);
        expect(result.status, secret).not.toBe(0);
        expect(result.stderr).toContain(secret);
      }
    },
    120_000,
  );

  itWithCompose("runs PostgreSQL with the init script really mounted and no published port", () => {
    const postgres = resolved().services.postgres;
    expect(postgres.image).toMatch(/^postgres:15/);
    const mount = postgres.volumes?.find((v) => v.split(":")[1] === INIT_MOUNT);
    expect(mount, "init scripts mounted into the image's initdb directory").toBeDefined();
    const hostDir = String(mount).split(":")[0];
    accessSync(join(hostDir, "01-databases.sh"), constants.X_OK);
    expect(hostDir).toBe(join(REPO_ROOT, "deploy", "postgres", "init"));
    expect(postgres.ports).toBeUndefined();
    expect(postgres.healthcheck?.test.join(" ")).toContain("pg_isready");
    for (const secret of SECRETS.filter((s) => s.endsWith("_DB_PASSWORD") || s === "POSTGRES_PASSWORD")) {
      expect(postgres.environment?.[secret]).toBe(VARS[secret]);
    }
  });

  itWithCompose.each(SERVICES.map((s) => [s.name, s] as const))(
    "%s: built from the one Dockerfile, healthy on /readyz, after PostgreSQL",
    (name, spec) => {
      const service = resolved().services[name];
      expect(service.build).toMatchObject({ context: REPO_ROOT, dockerfile: "deploy/Dockerfile", args: { SERVICE: name } });
      expect(service.healthcheck?.test.join(" ")).toContain("/readyz");
      expect(service.depends_on?.postgres).toEqual({ condition: "service_healthy" });
      expect(service.restart).toBe("unless-stopped");
      const env = service.environment ?? {};
      expect(env).toMatchObject({
        NODE_ENV: "production",
        GRPC_HOST: "0.0.0.0", // peers in other containers reach the gRPC port
        SERVER_KEY: VARS.SERVER_KEY,
        HTTP_PORT: String(spec.httpPort),
        GRPC_PORT: String(spec.grpcPort),
      });
      expect(env.DATABASE_URL).toBe(`postgres://${name}:${VARS[`${name.toUpperCase()}_DB_PASSWORD`]}@postgres:5432/${spec.database}`);
      expect(env.AUTH_JWKS_URL).toBe("http://auth:8081/.well-known/jwks.json");
      for (const peer of SERVICES) expect(env[`${peer.name.toUpperCase()}_GRPC_ADDR`]).toBe(`${peer.name}:${peer.grpcPort}`);
      if (name === "auth") expect(env.ADMIN_PASSWORD).toBe(VARS.ADMIN_PASSWORD);
    },
  );

  itWithCompose(
    "builds FROM the Dockerfile's own NODE_IMAGE default and runs postgres:15 unless .env names other base images",
    () => {
      const nodeDefault = readDockerfile().globalArgs.NODE_IMAGE;
      for (const spec of SERVICES) expect(resolved().services[spec.name].build?.args?.NODE_IMAGE, spec.name).toBe(nodeDefault);
      expect(resolved().services.postgres.image).toBe("postgres:15-bookworm");
      const result = composeConfig({ ...VARS, NODE_IMAGE: "lms-node:20", POSTGRES_IMAGE: "lms-postgres:15" });
      expect(result.status, result.stderr).toBe(0);
      const local = parse(result.stdout) as ComposeFile;
      for (const spec of SERVICES) expect(local.services[spec.name].build?.args?.NODE_IMAGE, spec.name).toBe("lms-node:20");
      expect(local.services.postgres.image).toBe("lms-postgres:15");
    },
    60_000,
  );

  itWithCompose("publishes only the REST ports (gRPC stays on the compose network)", () => {
    const services = resolved().services;
    for (const spec of SERVICES) {
      const targets = (services[spec.name].ports ?? []).map((p) => (typeof p === "string" ? Number(p.split(":").at(-1)) : p.target));
      expect(targets, spec.name).toEqual([spec.httpPort]);
    }
  });

  // DESIGN.md §9. Read from the file as written (anchors merged), so it is checked without docker-compose too.
  it("web: the Dockerfile's web target, started once the four services are healthy, forwarding to them by name", () => {
    const web = readComposeFile().services.web;
    expect(web.build).toMatchObject({ context: "..", dockerfile: "deploy/Dockerfile", target: "web" });
    expect(web.depends_on).toEqual(Object.fromEntries(SERVICES.map((s) => [s.name, { condition: "service_healthy" }])));
    const env = web.environment ?? {};
    expect(env).toMatchObject({ NODE_ENV: "production", WEB_HTTP_PORT: "8080" });
    for (const s of SERVICES) expect(env[`${s.name.toUpperCase()}_HTTP_URL`]).toBe(`http://${s.name}:${s.httpPort}`);
    expect(
      Object.keys(env).filter((k) => SECRETS.includes(k) || k.endsWith("DATABASE_URL")),
      "the origin holds no secret",
    ).toEqual([]);
    expect(web.healthcheck?.test.join(" ")).toContain("WEB_HTTP_PORT + '/readyz'");
    // The published port is WEB_HTTP_PORT from .env (8080 by default); inside, always 8080.
    expect(web.ports).toEqual([`\${WEB_HTTP_PORT:-8080}:8080`]);
  });

  itWithCompose("web: resolves with the same base image as the services and publishes 8080 only", () => {
    const web = resolved().services.web;
    expect(web.build?.args?.NODE_IMAGE).toBe(readDockerfile().globalArgs.NODE_IMAGE);
    expect((web.ports ?? []).map((p) => (typeof p === "string" ? Number(p.split(":").at(-1)) : p.target))).toEqual([8080]);
  });

  // docs/operations.md "Behind the web origin": per-IP login limits must count browsers, not the origin.
  itWithCompose("the services trust X-Forwarded-For from the web origin's fixed address only (and TRUSTED_PROXIES from .env)", () => {
    const check = (file: ComposeFile, prefix: string, extra: string[]) => {
      const origin = file.services.web.networks?.default?.ipv4_address;
      expect(origin).toBe(`${prefix}.10`);
      const [ipam] = file.networks?.default?.ipam?.config ?? [];
      // Other containers are given addresses from the upper half only, never the origin's.
      expect(ipam).toEqual({ subnet: `${prefix}.0/24`, ip_range: `${prefix}.128/25` });
      for (const spec of SERVICES) {
        const trusted = String(file.services[spec.name].environment?.TRUSTED_PROXIES ?? "")
          .split(",")
          .filter(Boolean);
        expect(trusted, spec.name).toEqual([`${prefix}.10`, ...extra]);
      }
      expect(file.services.web.environment?.TRUSTED_PROXIES, "the origin trusts nobody's forwarded address").toBeUndefined();
    };
    check(resolved(), "172.30.18", []);
    const moved = composeConfig({ ...VARS, LIBRARY_NETWORK_PREFIX: "10.99.7", TRUSTED_PROXIES: "192.0.2.4" });
    expect(moved.status, moved.stderr).toBe(0);
    check(parse(moved.stdout) as ComposeFile, "10.99.7", ["192.0.2.4"]);
  });

  it("takes every secret from .env as a required variable (`:?`), never a literal or a default", () => {
    const raw = readComposeFile();
    for (const service of Object.values(raw.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        const secret = SECRETS.find((s) => key === s || String(value).includes(`\${${s}`));
        if (secret) expect(String(value), key).toContain(`\${${secret}:?`);
      }
      expect(service.env_file, "no env_file: each container gets only its own variables").toBeUndefined();
    }
  });

  it("reads only variables that .env.example lists", () => {
    const example = readFileSync(join(REPO_ROOT, ".env.example"), "utf8");
    const listed = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    const used = new Set([...readFileSync(COMPOSE_FILE, "utf8").matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]));
    expect([...used].filter((v) => !listed.has(v))).toEqual([]);
  });
});
