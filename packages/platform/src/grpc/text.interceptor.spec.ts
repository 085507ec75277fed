import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { BadRequestSchema } from "@lms/gen/google/rpc/error_details_pb";
import { Health, HealthCheckResponse_ServingStatus } from "@lms/gen/grpc/health/v1/health_pb";
import { AuthorService, CreateAuthorRequestSchema } from "@lms/gen/library/author/v1/author_pb";
import { pino } from "pino";
import { beforeEach, describe, expect, it } from "vitest";
import { createErrorInterceptor } from "../errors/error.interceptor.js";
import { invokerTransport } from "../testing/invoker-transport.js";
import { bindService, createInvoker } from "./invoker.js";
import { createTextInterceptor } from "./text.interceptor.js";

let handled: string[] = [];

const bindings = [
  bindService(AuthorService, {
    createAuthor(req) {
      handled.push(`create ${req.name}`);
      return { id: "a1", name: req.name, biography: req.biography };
    },
    listAuthors(req) {
      handled.push(`list ${req.q}`);
      return {};
    },
  }),
  bindService(Health, {
    async *watch(req) {
      handled.push(`watch ${req.service}`);
      yield { status: HealthCheckResponse_ServingStatus.SERVING };
    },
  }),
];
const chain = [createErrorInterceptor(pino({ level: "silent" })), createTextInterceptor()];
const transport = invokerTransport(bindings, chain);
const authors = createClient(AuthorService, transport);

async function refusal(call: Promise<unknown>) {
  const err = await call.then(
    () => expect.unreachable("the call should be refused"),
    (e: unknown) => ConnectError.from(e),
  );
  return { code: err.code, fields: err.findDetails(BadRequestSchema)[0]?.fieldViolations.map((v) => v.field), message: err.rawMessage };
}

describe("createTextInterceptor", () => {
  beforeEach(() => {
    handled = [];
  });

  it("refuses NUL in any field with INVALID_ARGUMENT naming every such field, before the handler runs", async () => {
    const got = await refusal(authors.createAuthor({ name: "Ada\0", biography: "\0", nationality: "fine" }));
    expect(got).toEqual({
      code: Code.InvalidArgument,
      fields: ["name", "biography"],
      message: "name: must not contain NUL characters (U+0000); biography: must not contain NUL characters (U+0000)",
    });
    expect((await refusal(authors.listAuthors({ q: "x\0y" }))).fields).toEqual(["q"]);
    expect(handled).toEqual([]);
  });

  it("refuses a lone surrogate (it could only be stored altered), as the REST face hands it over decoded from JSON", async () => {
    // Straight to the invoker, as the REST face calls it with what it decoded from JSON.
    const invoker = createInvoker(bindings, chain);
    const message = create(CreateAuthorRequestSchema, { name: "Ada\uD800" });
    const init = { protocolName: "rest", url: "/api/v1/authors", header: new Headers() };
    expect(await refusal(invoker.unary(AuthorService.method.createAuthor, init, message))).toMatchObject({
      code: Code.InvalidArgument,
      fields: ["name"],
    });
    expect(handled).toEqual([]);
  });

  it("checks the request of a server-streaming call too", async () => {
    const stream = async () => {
      for await (const _ of createClient(Health, transport).watch({ service: "a\0" })) handled.push("message");
    };
    expect(await refusal(stream())).toMatchObject({ code: Code.InvalidArgument, fields: ["service"] });
    expect(handled).toEqual([]);
  });

  it("lets odd but valid Unicode through unchanged", async () => {
    const name = "\u200Fمكتبة 📚 e\u0301 \u202Eabc\u202C";
    expect((await authors.createAuthor({ name, biography: "tab\tand \u0001" })).name).toBe(name);
    expect(handled).toEqual([`create ${name}`]);
  });
});
