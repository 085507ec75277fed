import { describe, expect, it } from "vitest";
import { describeStartFailure, EMBEDDED_MAJOR, embeddedNamesOf, embeddedSettings, embeddedUrl, versionProblem } from "./embedded-rules.js";

describe("embeddedSettings", () => {
  it("listens on loopback only, or on no TCP address at all, with small shared buffers", () => {
    expect(embeddedSettings(true)).toMatchObject({
      listen_addresses: "127.0.0.1",
      unix_socket_permissions: "0700",
      shared_buffers: "32MB",
    });
    expect(embeddedSettings(false).listen_addresses).toBe("");
  });
});

describe("versionProblem", () => {
  it("accepts a new directory and one of the embedded major version", () => {
    expect(versionProblem("./data/postgres", undefined)).toBeUndefined();
    expect(versionProblem("./data/postgres", `${EMBEDDED_MAJOR}\n`)).toBeUndefined();
  });

  it("names the directory and both versions for another major (an old PGlite directory is 18)", () => {
    expect(versionProblem("./data/auth", "18\n")).toBe(
      `./data/auth holds a PostgreSQL 18 data directory, the embedded server is PostgreSQL ${EMBEDDED_MAJOR}: move that directory away (or set DATA_DIR elsewhere)`,
    );
  });
});

describe("describeStartFailure", () => {
  const where = { dataDir: "./data/postgres", port: 5440 };

  it("says the port is taken and which variable moves it", () => {
    const stderr = 'LOG:  could not bind IPv4 address "127.0.0.1": Address already in use\nFATAL:  could not create any TCP/IP sockets';
    expect(describeStartFailure(stderr, where)).toBe(
      "port 5440 on 127.0.0.1 is taken by another program: set EMBEDDED_PG_PORT to a free port",
    );
  });

  it("says the directory's server is already running", () => {
    const stderr =
      'FATAL:  lock file "postmaster.pid" already exists\nHINT:  Is another postmaster (PID 42) running in data directory "/x"?';
    expect(describeStartFailure(stderr, where)).toMatch(/^the embedded PostgreSQL under \.\/data\/postgres is already running/);
  });

  it("otherwise quotes the last FATAL line without its prefix", () => {
    const stderr = "2026-12-05 01:00:00 UTC [9] LOG:  starting\n2026-12-05 01:00:00 UTC [9] FATAL:  data directory has wrong ownership";
    expect(describeStartFailure(stderr, where)).toBe(
      "the embedded PostgreSQL under ./data/postgres did not start: data directory has wrong ownership",
    );
    expect(describeStartFailure("", where)).toBe("the embedded PostgreSQL under ./data/postgres did not start");
  });
});

describe("embeddedNamesOf and embeddedUrl", () => {
  it("gives a service its role and <service>_db", () => {
    expect(embeddedNamesOf("auth")).toEqual({ role: "auth", database: "auth_db" });
    expect(() => embeddedNamesOf("Auth; drop")).toThrow(/not a service name/);
  });

  it("builds a loopback URL with the password escaped", () => {
    expect(embeddedUrl("book", "a/b:c", 5440, "book_db")).toBe("postgres://book:a%2Fb%3Ac@127.0.0.1:5440/book_db");
  });
});
