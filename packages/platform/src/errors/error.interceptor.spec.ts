import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { BadRequestSchema, ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { AuthorService } from "@lms/gen/library/author/v1/author_pb";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createErrorInterceptor } from "./error.interceptor.js";
import { failedPrecondition, invalidArgument } from "./errors.js";

/** An AuthorService whose GetAuthor throws `thrown`, behind the error interceptor; log lines are kept. */
function clientThrowing(thrown: unknown) {
  const lines: string[] = [];
  const log = pino({ level: "error" }, { write: (line: string) => void lines.push(line) });
  const transport = createRouterTransport(
    (router) => {
      router.service(AuthorService, {
        getAuthor() {
          throw thrown;
        },
      });
    },
    { router: { interceptors: [createErrorInterceptor(log)] } },
  );
  return { client: createClient(AuthorService, transport), lines };
}

async function failureOf(thrown: unknown) {
  const { client, lines } = clientThrowing(thrown);
  const err = await client.getAuthor({ id: "a1" }).then(
    () => expect.unreachable("the call should fail"),
    (e: unknown) => ConnectError.from(e),
  );
  return { err, lines };
}

describe("createErrorInterceptor", () => {
  it("fills ErrorInfo.domain with the service's proto package", async () => {
    const { err } = await failureOf(failedPrecondition("AUTHOR_HAS_BOOKS", "author has books", { books: "2" }));
    expect(err.code).toBe(Code.FailedPrecondition);
    expect(err.rawMessage).toBe("author has books");
    expect(err.findDetails(ErrorInfoSchema)).toEqual([
      expect.objectContaining({ reason: "AUTHOR_HAS_BOOKS", domain: "library.author.v1", metadata: { books: "2" } }),
    ]);
  });

  it("keeps a domain that is already set", async () => {
    const info = create(ErrorInfoSchema, { reason: "NO_COPIES_AVAILABLE", domain: "library.book.v1" });
    const { err } = await failureOf(new ConnectError("none", Code.FailedPrecondition, undefined, [{ desc: ErrorInfoSchema, value: info }]));
    expect(err.findDetails(ErrorInfoSchema)[0].domain).toBe("library.book.v1");
  });

  it("passes a deliberate error through with its code, message and BadRequest", async () => {
    const { err, lines } = await failureOf(invalidArgument("name", "is required"));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toBe("name: is required");
    expect(err.findDetails(BadRequestSchema)[0].fieldViolations[0].field).toBe("name");
    expect(lines).toEqual([]);
  });

  it("turns a plain Error into INTERNAL 'internal error', leaking no SQL, and logs the cause", async () => {
    const { err, lines } = await failureOf(new Error('relation "users" does not exist'));
    expect(err.code).toBe(Code.Internal);
    expect(err.rawMessage).toBe("internal error");
    expect(err.message).not.toMatch(/relation|users/);
    expect(err.details).toEqual([]);
    expect(lines.join("")).toContain('relation \\"users\\" does not exist');
  });

  it.each([Code.Internal, Code.Unknown, Code.DataLoss])("hides the message of a ConnectError with code %i", async (code) => {
    const { err } = await failureOf(new ConnectError("select * from secrets failed", code));
    expect(err.code).toBe(Code.Internal);
    expect(err.rawMessage).toBe("internal error");
  });
});
