import { describe, expect, it } from "vitest";
import { z } from "zod";
import { baseConfigSchema, ConfigError, parseConfig } from "./config.js";

const schema = baseConfigSchema({ httpPort: 8082, grpcPort: 50052 });
const LONG_KEY = "a-real-secret-of-32-characters-!";

function configError(env: Record<string, string>): ConfigError {
  try {
    parseConfig(schema, env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig", () => {
  it("fills every default from an empty environment", () => {
    const { config } = parseConfig(schema, {});
    expect(config).toMatchObject({
      NODE_ENV: "development",
      HTTP_PORT: 8082,
      GRPC_PORT: 50052,
      DATA_DIR: "./data",
      DB_MAX_OPEN_CONNS: 10,
      DB_MAX_IDLE_CONNS: 2,
      DB_CONN_MAX_LIFETIME: 1800,
      DB_QUERY_TIMEOUT_MS: 3000,
      DB_CONNECT_TIMEOUT_MS: 2000,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    // Together within RPC_TIMEOUT_MS: a peer calling with the default deadline hears our 503, not its own 504.
    expect(config.DB_QUERY_TIMEOUT_MS + config.DB_CONNECT_TIMEOUT_MS).toBeLessThanOrEqual(config.RPC_TIMEOUT_MS);
  });

  it("refuses database timeouts below 100 ms", () => {
    const err = configError({ DB_QUERY_TIMEOUT_MS: "0", DB_CONNECT_TIMEOUT_MS: "50" });
    expect(err.problems.map((p) => p.split(":")[0]).sort()).toEqual(["DB_CONNECT_TIMEOUT_MS", "DB_QUERY_TIMEOUT_MS"]);
  });

  it("coerces numeric variables and trims DATABASE_URL", () => {
    const { config } = parseConfig(schema, { HTTP_PORT: "9000", DB_MAX_OPEN_CONNS: "25", DATABASE_URL: "  postgres://db/x  " });
    expect(config.HTTP_PORT).toBe(9000);
    expect(config.DB_MAX_OPEN_CONNS).toBe(25);
    expect(config.DATABASE_URL).toBe("postgres://db/x");
  });

  it("reports every bad variable at once in one ConfigError", () => {
    const err = configError({ HTTP_PORT: "abc", DB_MAX_OPEN_CONNS: "0", LOG_LEVEL: "loud" });
    const fields = err.problems.map((p) => p.split(":")[0]);
    expect(fields).toEqual(expect.arrayContaining(["HTTP_PORT", "DB_MAX_OPEN_CONNS", "LOG_LEVEL"]));
    expect(err.problems).toHaveLength(3);
    expect(err.message).toContain("HTTP_PORT");
    expect(err.message).toContain("DB_MAX_OPEN_CONNS");
  });

  it("refuses a port out of range", () => {
    expect(configError({ GRPC_PORT: "70000" }).problems[0]).toMatch(/^GRPC_PORT:/);
  });

  it("returns a frozen object", () => {
    const { config } = parseConfig(schema, { SERVER_KEY: "s3cret" });
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { HTTP_PORT: number }).HTTP_PORT = 1;
    }).toThrow(TypeError);
  });

  it("keeps a service's own variables when the schema is extended", () => {
    const extended = schema.extend({ LOAN_DAYS: z.coerce.number().int().min(1).default(14) });
    expect(parseConfig(extended, { LOAN_DAYS: "7" }).config.LOAN_DAYS).toBe(7);
    expect(() => parseConfig(extended, { LOAN_DAYS: "0", HTTP_PORT: "x" })).toThrow(/LOAN_DAYS[\s\S]*HTTP_PORT|HTTP_PORT[\s\S]*LOAN_DAYS/);
  });

  it("refuses the development server key in production", () => {
    const err = configError({ NODE_ENV: "production" });
    expect(err.problems).toEqual([expect.stringMatching(/^SERVER_KEY:/)]);
  });

  it("accepts a real server key in production without warnings", () => {
    const { config, warnings } = parseConfig(schema, { NODE_ENV: "production", SERVER_KEY: LONG_KEY });
    expect(config.SERVER_KEY).toBe(LONG_KEY);
    expect(warnings).toEqual([]);
  });

  it("uses the development server key in development and warns about it", () => {
    const { config, warnings } = parseConfig(schema, {});
    expect(config.SERVER_KEY).toBe("dev-server-key-change-me");
    expect(warnings).toEqual([expect.stringContaining("SERVER_KEY")]);
  });

  it("treats empty variables (blank lines in .env) as unset, not as 0", () => {
    const { config } = parseConfig(schema, { HTTP_PORT: "", DB_MAX_IDLE_CONNS: " ", DATABASE_URL: "" });
    expect(config.HTTP_PORT).toBe(8082);
    expect(config.DB_MAX_IDLE_CONNS).toBe(2);
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it("refuses a server key shorter than 32 characters in production, saying how long it is", () => {
    const err = configError({ NODE_ENV: "production", SERVER_KEY: LONG_KEY.slice(0, 31) });
    expect(err.problems).toEqual(["SERVER_KEY: must have at least 32 characters in production (has 31)"]);
    expect(parseConfig(schema, { SERVER_KEY: "short" }).config.SERVER_KEY).toBe("short");
  });

  it("lists a short production key together with every other bad variable", () => {
    const err = configError({ NODE_ENV: "production", SERVER_KEY: "a", HTTP_PORT: "x" });
    expect(err.problems.map((p) => p.split(":")[0]).sort()).toEqual(["HTTP_PORT", "SERVER_KEY"]);
  });

  it("binds gRPC to 127.0.0.1 in development and test, to 0.0.0.0 in production, unless GRPC_HOST says otherwise", () => {
    expect(parseConfig(schema, {}).config.GRPC_HOST).toBe("127.0.0.1");
    expect(parseConfig(schema, { NODE_ENV: "test", HOST: "0.0.0.0" }).config.GRPC_HOST).toBe("127.0.0.1");
    expect(parseConfig(schema, { NODE_ENV: "production", SERVER_KEY: LONG_KEY }).config.GRPC_HOST).toBe("0.0.0.0");
    expect(parseConfig(schema, { GRPC_HOST: "0.0.0.0" }).config.GRPC_HOST).toBe("0.0.0.0");
    expect(parseConfig(schema, { NODE_ENV: "production", SERVER_KEY: LONG_KEY, GRPC_HOST: "10.0.0.5" }).config.GRPC_HOST).toBe("10.0.0.5");
  });
});

describe("CORS_ORIGINS", () => {
  it("defaults to localhost and 127.0.0.1 on any port outside production", () => {
    for (const env of [{}, { NODE_ENV: "development" }, { NODE_ENV: "test" }, { CORS_ORIGINS: " " }]) {
      expect(parseConfig(schema, env).config.CORS_ORIGINS).toEqual(["http://localhost:*", "http://127.0.0.1:*"]);
    }
  });

  it("allows no origin in production unless set", () => {
    const production = { NODE_ENV: "production", SERVER_KEY: LONG_KEY };
    expect(parseConfig(schema, production).config.CORS_ORIGINS).toEqual([]);
    const set = parseConfig(schema, { ...production, CORS_ORIGINS: "https://App.Example.org:443, http://localhost:*" });
    expect(set.config.CORS_ORIGINS).toEqual(["https://app.example.org", "http://localhost:*"]);
  });

  it("replaces the development default when set", () => {
    expect(parseConfig(schema, { CORS_ORIGINS: "http://10.0.0.7:3000" }).config.CORS_ORIGINS).toEqual(["http://10.0.0.7:3000"]);
  });

  it("refuses every malformed entry in one ConfigError, naming each", () => {
    const bad = ["localhost:3000", "http://example.org/app", "ftp://example.org", "https://*.example.org", "*", "null", "http://h:*x"];
    const err = configError({ CORS_ORIGINS: ["https://ok.example.org", ...bad].join(","), HTTP_PORT: "x" });
    const cors = err.problems.filter((p) => p.startsWith("CORS_ORIGINS:"));
    expect(cors).toHaveLength(bad.length);
    for (const entry of bad)
      expect(
        cors.some((p) => p.includes(`"${entry}"`)),
        entry,
      ).toBe(true);
    expect(err.problems.some((p) => p.startsWith("HTTP_PORT:"))).toBe(true);
    expect(err.message).toContain('"localhost:3000" is not an origin');
  });
});
