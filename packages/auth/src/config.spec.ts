import { ConfigError } from "@lms/platform";
import { describe, expect, it } from "vitest";
import { loadAuthConfig } from "./config.js";

const LONG_KEY = "a-real-secret-of-32-characters-!";

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadAuthConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("auth config", () => {
  it("has working defaults in development, warning about the admin password", () => {
    const { config, warnings } = loadAuthConfig({});
    expect(config).toMatchObject({
      HTTP_PORT: 8081,
      GRPC_PORT: 50051,
      ADMIN_EMAIL: "admin@library.local",
      ACCESS_TOKEN_TTL: 900,
      REFRESH_TOKEN_TTL: 604_800,
      LOGIN_MAX_FAILURES: 5,
      LOGIN_MAX_FAILURES_PER_IP: 20,
      LOGIN_WINDOW_SECONDS: 900,
      ARGON2_QUEUE_MAX: 64,
      TRUSTED_PROXIES: [],
    });
    expect(config.ARGON2_CONCURRENCY).toBeGreaterThanOrEqual(1);
    expect(config.ARGON2_CONCURRENCY).toBeLessThanOrEqual(4);
    expect(warnings.some((w) => w.includes("ADMIN_PASSWORD"))).toBe(true);
    expect(warnings.join(" ")).not.toContain(config.ADMIN_PASSWORD);
  });

  it("normalises the admin email and takes a given password without warning", () => {
    const { config, warnings } = loadAuthConfig({ ADMIN_EMAIL: " Boss@Library.Local ", ADMIN_PASSWORD: "s3cret-enough" });
    expect(config.ADMIN_EMAIL).toBe("boss@library.local");
    expect(config.ADMIN_PASSWORD).toBe("s3cret-enough");
    expect(warnings.some((w) => w.includes("ADMIN_PASSWORD"))).toBe(false);
  });

  it("requires an admin password in production", () => {
    const problems = problemsOf({ NODE_ENV: "production", SERVER_KEY: LONG_KEY });
    expect(problems).toEqual([expect.stringMatching(/ADMIN_PASSWORD.*required in production/)]);
  });

  it("reports every problem together", () => {
    const problems = problemsOf({ NODE_ENV: "production", ACCESS_TOKEN_TTL: "-5", ADMIN_EMAIL: "nope" });
    expect(problems.some((p) => p.startsWith("ACCESS_TOKEN_TTL"))).toBe(true);
    expect(problems.some((p) => p.startsWith("ADMIN_EMAIL"))).toBe(true);
    expect(problems.some((p) => p.startsWith("ADMIN_PASSWORD"))).toBe(true);
  });

  it("takes the login limits, the argon2 queue and the trusted proxies", () => {
    const { config } = loadAuthConfig({
      LOGIN_MAX_FAILURES_PER_IP: "50",
      ARGON2_CONCURRENCY: "3",
      ARGON2_QUEUE_MAX: "0",
      TRUSTED_PROXIES: "10.0.0.1, ::1, 172.30.18.0/24",
    });
    expect(config).toMatchObject({
      LOGIN_MAX_FAILURES_PER_IP: 50,
      ARGON2_CONCURRENCY: 3,
      ARGON2_QUEUE_MAX: 0,
      TRUSTED_PROXIES: ["10.0.0.1", "::1", "172.30.18.0/24"],
    });
  });

  it("refuses nonsense limits and proxies that are not addresses, together", () => {
    const problems = problemsOf({
      LOGIN_MAX_FAILURES_PER_IP: "0",
      ARGON2_CONCURRENCY: "0",
      ARGON2_QUEUE_MAX: "-1",
      TRUSTED_PROXIES: "proxy.local",
    });
    for (const name of ["LOGIN_MAX_FAILURES_PER_IP", "ARGON2_CONCURRENCY", "ARGON2_QUEUE_MAX", "TRUSTED_PROXIES"]) {
      expect(problems.some((p) => p.startsWith(name))).toBe(true);
    }
  });

  it("refuses a short admin password", () => {
    expect(problemsOf({ ADMIN_PASSWORD: "short" })).toEqual([expect.stringMatching(/^ADMIN_PASSWORD/)]);
  });

  it("refuses an admin password shorter than 12 characters in production only", () => {
    const env = { NODE_ENV: "production", SERVER_KEY: LONG_KEY };
    expect(problemsOf({ ...env, ADMIN_PASSWORD: "elevenchars" })).toEqual([
      "ADMIN_PASSWORD: must have at least 12 characters in production",
    ]);
    expect(loadAuthConfig({ ...env, ADMIN_PASSWORD: "twelve-chars" }).config.ADMIN_PASSWORD).toBe("twelve-chars");
    expect(loadAuthConfig({ ADMIN_PASSWORD: "elevenchars" }).config.ADMIN_PASSWORD).toBe("elevenchars");
  });

  it("lists a short production server key and a short admin password together", () => {
    const problems = problemsOf({ NODE_ENV: "production", SERVER_KEY: "a", ADMIN_PASSWORD: "password" });
    expect(problems).toEqual([
      expect.stringMatching(/^SERVER_KEY: must have at least 32 characters/),
      expect.stringMatching(/^ADMIN_PASSWORD: must have at least 12 characters/),
    ]);
  });
});
