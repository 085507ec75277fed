import { describe, expect, it } from "vitest";
import { banner, childEnv, portsOf } from "./run-all.js";
import { getService, SERVICES } from "./services.js";
import { webOriginEnv, webPortOf } from "./web-origin.js";

const auth = getService("auth");
const author = getService("author");
const category = getService("category");
const book = getService("book");

const base = {
  PATH: "/usr/bin",
  DATA_DIR: "/var/lms",
  SERVER_KEY: "s3cret",
  ADMIN_EMAIL: "admin@example.test",
  ADMIN_PASSWORD: "pa55word!",
  LOG_LEVEL: "debug",
};

describe("childEnv", () => {
  it("gives each service its own database URL and ports", () => {
    const env = {
      ...base,
      AUTHOR_DATABASE_URL: "postgres://u@db:5432/author_db",
      AUTHOR_HTTP_PORT: "9082",
      AUTHOR_GRPC_PORT: "60052",
    };
    expect(childEnv(author, env)).toMatchObject({ DATABASE_URL: "postgres://u@db:5432/author_db", HTTP_PORT: "9082", GRPC_PORT: "60052" });
    expect(childEnv(auth, env)).toMatchObject({ HTTP_PORT: "8081", GRPC_PORT: "50051" });
    expect(childEnv(category, env)).toMatchObject({ HTTP_PORT: "8083", GRPC_PORT: "50053" });
  });

  it("leaves DATABASE_URL unset without <SERVICE>_DATABASE_URL, even when a shared one is set", () => {
    const env = { ...base, DATABASE_URL: "postgres://u@db/shared", AUTHOR_DATABASE_URL: "postgres://u@db/author_db" };
    expect(childEnv(auth, env)).not.toHaveProperty("DATABASE_URL");
    expect(childEnv(author, env).DATABASE_URL).toBe("postgres://u@db/author_db");
  });

  it("derives the peers' gRPC addresses and the JWKS URL from their ports", () => {
    const env = { ...base, AUTH_HTTP_PORT: "7081", AUTH_GRPC_PORT: "7051", BOOK_GRPC_PORT: "7054" };
    expect(childEnv(author, env)).toMatchObject({
      AUTH_GRPC_ADDR: "127.0.0.1:7051",
      AUTHOR_GRPC_ADDR: "127.0.0.1:50052",
      CATEGORY_GRPC_ADDR: "127.0.0.1:50053",
      BOOK_GRPC_ADDR: "127.0.0.1:7054",
      AUTH_JWKS_URL: "http://127.0.0.1:7081/.well-known/jwks.json",
    });
  });

  it("keeps peer addresses and the JWKS URL that are set explicitly", () => {
    const env = { ...base, BOOK_GRPC_ADDR: "book.internal:50054", AUTH_JWKS_URL: "https://auth.example/jwks.json" };
    expect(childEnv(category, env)).toMatchObject({
      BOOK_GRPC_ADDR: "book.internal:50054",
      AUTH_JWKS_URL: "https://auth.example/jwks.json",
    });
  });

  it("passes DATA_DIR, SERVER_KEY, the admin and everything else through unchanged", () => {
    for (const spec of SERVICES) expect(childEnv(spec, base)).toMatchObject(base);
  });

  it("does not change the environment it is given", () => {
    const env = { ...base, DATABASE_URL: "postgres://u@db/shared" };
    childEnv(author, env);
    expect(env).toEqual({ ...base, DATABASE_URL: "postgres://u@db/shared" });
  });

  it("refuses a port that is not a number in 1..65535, naming the variable", () => {
    expect(() => childEnv(author, { AUTHOR_HTTP_PORT: "http" })).toThrow(/AUTHOR_HTTP_PORT/);
    expect(() => portsOf(author, { AUTHOR_GRPC_PORT: "0" })).toThrow(/AUTHOR_GRPC_PORT/);
  });
});

describe("banner", () => {
  it("lists REST, Swagger UI and gRPC of every running service and names the absent ones", () => {
    const text = banner([auth, author], { AUTHOR_HTTP_PORT: "9082" });
    expect(text).toContain("http://127.0.0.1:8081/api/v1/auth");
    expect(text).toContain("http://127.0.0.1:9082/api/v1/authors");
    expect(text).toContain("Swagger UI  http://127.0.0.1:9082/");
    expect(text).toContain("OpenAPI 3.1 http://127.0.0.1:9082/api/openapi/author.json");
    expect(text).toContain("gRPC        127.0.0.1:50052");
    expect(text).toContain("not present yet: category, book");
  });
});

describe("the web origin beside the services", () => {
  it("is listed first in the banner at WEB_HTTP_PORT (8080 by default), saying when there is no app yet", () => {
    expect(banner([auth], {}, { app: "fresh" })).toContain("web      App         http://127.0.0.1:8080/\n");
    expect(banner([auth], { WEB_HTTP_PORT: "9080", HOST: "0.0.0.0" }, { app: "absent" })).toMatch(
      /App {9}http:\/\/127\.0\.0\.1:9080\/ \(no app in packages\/web yet/,
    );
    expect(banner([auth], {}, { app: "build failed" })).toContain("build FAILED");
    expect(banner([auth], {})).not.toContain("App ");
  });

  it("forwards to each service on the port the launcher gives it, unless <SERVICE>_HTTP_URL is set", () => {
    const env = { AUTHOR_HTTP_PORT: "9082", BOOK_HTTP_URL: "http://book.internal:8084", SERVER_KEY: "s3cret" };
    expect(webOriginEnv(env, "127.0.0.1", (spec) => portsOf(spec, env).http)).toEqual({
      ...env,
      WEB_HTTP_PORT: "8080",
      AUTH_HTTP_URL: "http://127.0.0.1:8081",
      AUTHOR_HTTP_URL: "http://127.0.0.1:9082",
      CATEGORY_HTTP_URL: "http://127.0.0.1:8083",
      BOOK_HTTP_URL: "http://book.internal:8084",
    });
  });

  it("makes the services trust the origin's X-Forwarded-For: loopback and the address it reaches them on, added to any set", () => {
    expect(childEnv(auth, base, "127.0.0.1").TRUSTED_PROXIES).toBe("127.0.0.1,::1");
    expect(childEnv(book, { ...base, HOST: "192.168.1.20" }, "192.168.1.20").TRUSTED_PROXIES).toBe("127.0.0.1,::1,192.168.1.20");
    expect(childEnv(author, { ...base, TRUSTED_PROXIES: "10.0.0.7, 127.0.0.1" }, "127.0.0.1").TRUSTED_PROXIES).toBe(
      "10.0.0.7,127.0.0.1,::1",
    );
    // A host name is no address to trust; loopback still is.
    expect(childEnv(auth, base, "localhost").TRUSTED_PROXIES).toBe("127.0.0.1,::1");
  });

  it("leaves TRUSTED_PROXIES as it was without an origin in front", () => {
    expect(childEnv(auth, base)).not.toHaveProperty("TRUSTED_PROXIES");
    expect(childEnv(auth, { ...base, TRUSTED_PROXIES: "10.0.0.7" }).TRUSTED_PROXIES).toBe("10.0.0.7");
  });

  it("refuses a WEB_HTTP_PORT that is not a port, naming it", () => {
    expect(() => webPortOf({ WEB_HTTP_PORT: "web" })).toThrow(/WEB_HTTP_PORT/);
    expect(webPortOf({ WEB_HTTP_PORT: " " })).toBe(8080);
  });
});
