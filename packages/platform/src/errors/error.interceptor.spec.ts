import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { BadRequestSchema, ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { AuthorService } from "@lms/gen/library/author/v1/author_pb";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { bindService } from "../grpc/invoker.js";
import { invokerTransport } from "../testing/invoker-transport.js";
import { createErrorInterceptor } from "./error.interceptor.js";
import { failedPrecondition, invalidArgument } from "./errors.js";

/** An AuthorService whose GetAuthor throws `thrown`, behind the error interceptor; log lines are kept. */
function clientThrowing(thrown: unknown) {
  const lines: string[] = [];
  const log = pino({ level: "warn" }, { write: (line: string) => void lines.push(line) });
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

  const dbError = (message: string, props: Record<string, unknown> = {}) => Object.assign(new Error(message), props);

  it.each([
    ["a refused connection", dbError("connect ECONNREFUSED 127.0.0.1:5432", { code: "ECONNREFUSED" })],
    ["a reset connection", dbError("read ECONNRESET", { code: "ECONNRESET" })],
    ["a connection the server closed", dbError("Connection terminated unexpectedly")],
    ["a connection that never answered", dbError("Connection terminated due to connection timeout")],
    ["no free pool connection in time", dbError("timeout exceeded when trying to connect")],
    ["a server that went silent", dbError("Query read timeout")],
    ["an admin shutdown (57P01)", dbError("terminating connection due to administrator command", { code: "57P01" })],
    ["a server starting up (57P03)", dbError("the database system is starting up", { code: "57P03" })],
    ["a connection failure (class 08)", dbError("connection failure", { code: "08006" })],
    ["too many clients (53300)", dbError("sorry, too many clients already", { code: "53300" })],
    ["a statement timeout (57014)", dbError("canceling statement due to statement timeout", { code: "57014" })],
    ["a failure wrapped as a cause", new Error("load failed", { cause: dbError("connect ECONNREFUSED", { code: "ECONNREFUSED" }) })],
  ])("answers %s with UNAVAILABLE 'database unavailable' and one short warn line", async (_name, thrown) => {
    const { err, lines } = await failureOf(thrown);
    expect(err.code).toBe(Code.Unavailable);
    expect(err.rawMessage).toBe("database unavailable");
    expect(err.details).toEqual([]);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 40, msg: "database unavailable", procedure: "GetAuthor" });
    expect(lines[0]).not.toMatch(/stack|\bat /);
  });

  it("still answers a SQL mistake (not a connection failure) with INTERNAL", async () => {
    const { err } = await failureOf(dbError('syntax error at or near "selec"', { code: "42601" }));
    expect(err.code).toBe(Code.Internal);
  });
});
