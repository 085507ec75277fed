import { ConfigError } from "@lms/platform/config/config";
import { describe, expect, it } from "vitest";
import { loadWebConfig, upstreamVariableOf } from "./config.js";

describe("loadWebConfig", () => {
  it("defaults to port 8080, the services on make run's ports and the app under packages/web/dist", () => {
    const config = loadWebConfig({}, "/repo");
    expect(config).toMatchObject({
      port: 8080,
      host: "0.0.0.0",
      distDir: "/repo/packages/web/dist",
      upstreams: {
        auth: "http://127.0.0.1:8081",
        author: "http://127.0.0.1:8082",
        category: "http://127.0.0.1:8083",
        book: "http://127.0.0.1:8084",
      },
    });
    expect(config.upstreamTimeoutMs).toBeGreaterThan(5000); // above the services' own RPC deadline
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("reads WEB_HTTP_PORT, the <SERVICE>_HTTP_URLs (origin only), WEB_DIST_DIR and the timeouts; blanks count as unset", () => {
    const config = loadWebConfig(
      {
        WEB_HTTP_PORT: "9090",
        AUTHOR_HTTP_URL: "http://author:8082/",
        BOOK_HTTP_URL: "https://book.internal:9443/ignored/path",
        CATEGORY_HTTP_URL: " ",
        WEB_DIST_DIR: "/srv/app",
        WEB_UPSTREAM_TIMEOUT_MS: "2500",
        SHUTDOWN_TIMEOUT_MS: "100",
      },
      "/repo",
    );
    expect(config).toMatchObject({ port: 9090, distDir: "/srv/app", upstreamTimeoutMs: 2500, shutdownTimeoutMs: 100 });
    expect(config.upstreams).toEqual({
      auth: "http://127.0.0.1:8081",
      author: "http://author:8082",
      category: "http://127.0.0.1:8083",
      book: "https://book.internal:9443",
    });
    expect(loadWebConfig({ WEB_DIST_DIR: "build/app" }, "/repo").distDir).toBe("/repo/build/app");
  });

  it("reports every bad variable at once", () => {
    let error: unknown;
    try {
      loadWebConfig({ WEB_HTTP_PORT: "eighty", AUTH_HTTP_URL: "auth:8081", BOOK_HTTP_URL: "ftp://book", WEB_UPSTREAM_TIMEOUT_MS: "5" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    for (const name of ["WEB_HTTP_PORT", "AUTH_HTTP_URL", "BOOK_HTTP_URL", "WEB_UPSTREAM_TIMEOUT_MS"]) expect(problems).toContain(name);
  });

  it("names the upstream variables after the services, as <SERVICE>_GRPC_ADDR does", () => {
    expect(upstreamVariableOf("category")).toBe("CATEGORY_HTTP_URL");
  });
});
