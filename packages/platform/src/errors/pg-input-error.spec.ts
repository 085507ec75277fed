import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { AuthorService } from "@lms/gen/library/author/v1/author_pb";
import pg from "pg";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { bindService } from "../grpc/invoker.js";
import { invokerTransport } from "../testing/invoker-transport.js";
import { TEST_SERVER_URL } from "../testing/test-database.js";
import { createErrorInterceptor } from "./error.interceptor.js";
import { refusedTextError } from "./pg-input-error.js";

/** What the real PostgreSQL server throws for `text` bound as a text parameter. */
async function pgErrorFor(text: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    await client.query("select $1::text", [text]);
    return undefined;
  } catch (err) {
    return err;
  } finally {
    await client.end();
  }
}

describe("refusedTextError", () => {
  it("ignores other failures", () => {
    expect(refusedTextError(new Error("boom"))).toBeUndefined();
    expect(refusedTextError(Object.assign(new Error("deadlock"), { code: "40P01" }))).toBeUndefined();
    expect(refusedTextError("22021")).toBeUndefined();
  });

  it("finds SQLSTATE 22021 / 22P05 on the error or its cause", () => {
    const cause = Object.assign(new Error("untranslatable"), { code: "22P05" });
    expect(refusedTextError(new Error("wrapped", { cause }))?.code).toBe(Code.InvalidArgument);
  });

  describe("behind the error interceptor, with the real PostgreSQL server's error", () => {
    it("answers INVALID_ARGUMENT, not INTERNAL, when a NUL reaches the database, and logs no error", async () => {
      const thrown = await pgErrorFor("a\0b");
      expect((thrown as { code?: string }).code).toBe("22021");
      const lines: string[] = [];
      const log = pino({ level: "error" }, { write: (line: string) => void lines.push(line) });
      const transport = invokerTransport(
        [
          bindService(AuthorService, {
            getAuthor() {
              throw thrown;
            },
          }),
        ],
        [createErrorInterceptor(log)],
      );
      const err = await createClient(AuthorService, transport)
        .getAuthor({ id: "x" })
        .then(
          () => expect.unreachable("the call should fail"),
          (e: unknown) => ConnectError.from(e),
        );
      expect(err.code).toBe(Code.InvalidArgument);
      expect(err.rawMessage).not.toMatch(/0x00|UTF8|byte sequence/);
      expect(lines).toEqual([]);
    });
  });
});
