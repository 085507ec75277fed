import { describe, expect, it } from "vitest";
import { DEFAULT_EMBEDDED_PG_PORT, embeddedDataDirOf, embeddedPortOf, embeddedServiceEnv, servicesOnEmbedded } from "./local-postgres.js";
import { SERVICES } from "./services.js";

describe("the launcher's embedded PostgreSQL settings", () => {
  it("uses EMBEDDED_PG_PORT, else a default below the kernel's ephemeral range", () => {
    expect(embeddedPortOf({})).toBe(DEFAULT_EMBEDDED_PG_PORT);
    expect(DEFAULT_EMBEDDED_PG_PORT).toBeLessThan(32_768);
    expect(embeddedPortOf({ EMBEDDED_PG_PORT: " 15432 " })).toBe(15432);
    expect(() => embeddedPortOf({ EMBEDDED_PG_PORT: "pg" })).toThrow(/EMBEDDED_PG_PORT/);
  });

  it("keeps its data under $DATA_DIR/postgres (./data by default)", () => {
    expect(embeddedDataDirOf({})).toBe("data/postgres");
    expect(embeddedDataDirOf({ DATA_DIR: "/var/lms" })).toBe("/var/lms/postgres");
  });

  it("serves only the services without <SERVICE>_DATABASE_URL", () => {
    const on = servicesOnEmbedded([...SERVICES], { AUTHOR_DATABASE_URL: "postgres://u@db/author_db", BOOK_DATABASE_URL: " " });
    expect(on.map((s) => s.name)).toEqual(["auth", "category", "book"]);
  });

  it("hands a service its URL and no idle connections unless DB_MAX_IDLE_CONNS is set", () => {
    expect(embeddedServiceEnv("postgres://auth:pw@127.0.0.1:5440/auth_db", {})).toEqual({
      DATABASE_URL: "postgres://auth:pw@127.0.0.1:5440/auth_db",
      DB_MAX_IDLE_CONNS: "0",
    });
    expect(embeddedServiceEnv("postgres://x", { DB_MAX_IDLE_CONNS: "3" }).DB_MAX_IDLE_CONNS).toBe("3");
  });
});
