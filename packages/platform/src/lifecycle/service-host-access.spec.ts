import { clearExtension } from "@bufbuild/protobuf";
import { rule } from "@lms/gen/library/access/v1/access_pb";
import { AuthorService, file_library_author_v1_author } from "@lms/gen/library/author/v1/author_pb";
import { describe, expect, it } from "vitest";
import type { Database } from "../db/database.js";
import { bindService } from "../grpc/invoker.js";
import { createLogger } from "../observability/logger.js";
import { createMetrics } from "../observability/metrics.js";
import { registryWithEditedMethod } from "../testing/edited-protos.js";
import { createTestIssuer } from "../testing/test-tokens.js";
import { createServiceHost } from "./service-host.js";

// A service whose proto leaves a method without (library.access.v1.rule) must not start:
// the host refuses to be built, so nothing ever listens, and the database is never asked.
describe("createServiceHost without an access rule", () => {
  it("refuses to build the service, naming the method", async () => {
    const registry = registryWithEditedMethod(file_library_author_v1_author, "AuthorService.DeleteAuthor", (o) => clearExtension(o, rule));
    const service = registry.getService(AuthorService.typeName);
    if (!service) throw new Error("no AuthorService");
    let asked = 0;
    const db = new Proxy({} as Database, {
      get: () => {
        asked++;
        throw new Error("the database was used");
      },
    });
    const built = createServiceHost(
      { name: "author", implementations: [bindService(service, {})], swagger: {} },
      {
        log: createLogger("author", "silent"),
        metrics: createMetrics("author"),
        db,
        verifier: (await createTestIssuer()).verifier,
        serverKey: "k".repeat(32),
        bodyLimit: 1024,
        shutdownTimeoutMs: 100,
      },
    );
    await expect(built).rejects.toThrow("no (library.access.v1.rule) option on: library.author.v1.AuthorService/DeleteAuthor");
    expect(asked).toBe(0);
  });
});
