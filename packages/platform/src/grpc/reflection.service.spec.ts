import type { DescService } from "@bufbuild/protobuf";
import { getOption, hasOption } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { http } from "@lms/gen/google/api/annotations_pb";
import { Health } from "@lms/gen/grpc/health/v1/health_pb";
import { AuthorService } from "@lms/gen/library/author/v1/author_pb";
import { BookService } from "@lms/gen/library/book/v1/book_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMetrics } from "../observability/metrics.js";
import { type ReflectionVersion, reflect, registryOf } from "../testing/reflection-client.js";
import { addReflectionService } from "./reflection.service.js";
import { createServerKeyCheck } from "./server-key.interceptor.js";

const KEY = "reflection-spec-key";
const metrics = createMetrics("reflection-spec");
let server: grpc.Server;
let address: string;

beforeAll(async () => {
  server = new grpc.Server();
  addReflectionService(server, [BookService, AuthorService, Health], { authorize: createServerKeyCheck(KEY), metrics });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  address = `127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((resolve) => server.tryShutdown(() => resolve())));

const withKey = { "x-server-key": KEY };

async function refusal(call: Promise<unknown>): Promise<grpc.ServiceError> {
  return call.then(
    () => expect.unreachable("the call should be refused"),
    (err: grpc.ServiceError) => err,
  );
}

describe.each<ReflectionVersion>(["v1", "v1alpha"])("addReflectionService over %s", (version) => {
  it("refuses a call without the server key or with a wrong one, UNAUTHENTICATED", async () => {
    const missing = await refusal(reflect(address, version, [{ messageRequest: { case: "listServices", value: "" } }]));
    expect(missing.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(missing.details).toBe("missing server key");
    const wrong = await refusal(
      reflect(address, version, [{ messageRequest: { case: "listServices", value: "" } }], { "x-server-key": "guess" }),
    );
    expect(wrong.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(wrong.details).toBe("wrong server key");
  });

  it("lists the services it was given, health and both reflection services", async () => {
    const [answer] = await reflect(address, version, [{ messageRequest: { case: "listServices", value: "*" } }], withKey);
    expect(answer.messageResponse.case).toBe("listServicesResponse");
    const names = answer.messageResponse.case === "listServicesResponse" ? answer.messageResponse.value.service.map((s) => s.name) : [];
    expect(names.sort()).toEqual(
      [
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
        "library.author.v1.AuthorService",
        "library.book.v1.BookService",
      ].sort(),
    );
  });

  it("answers a symbol's file with every file it imports, its http options intact", async () => {
    const [answer] = await reflect(
      address,
      version,
      [{ messageRequest: { case: "fileContainingSymbol", value: "library.book.v1.BookService" } }],
      withKey,
    );
    // The answer links on its own: book.proto imports google/api/annotations.proto only for an option.
    const registry = registryOf(answer);
    const service = registry.getService("library.book.v1.BookService") as DescService;
    expect(service.methods.map((m) => m.name)).toContain("BorrowBook");
    expect(registry.getFile("google/api/annotations.proto")).toBeDefined();
    expect(registry.getMessage("google.protobuf.Timestamp")).toBeDefined();
    const getBook = service.methods.find((m) => m.name === "GetBook");
    expect(getBook && hasOption(getBook, http) && getOption(getBook, http).pattern).toEqual({ case: "get", value: "/api/v1/books/{id}" });
  });

  it("finds methods, fields and nested symbols, and files by name, each with their imports", async () => {
    const answers = await reflect(
      address,
      version,
      [
        { messageRequest: { case: "fileContainingSymbol", value: "library.author.v1.AuthorService.ListAuthors" } },
        { messageRequest: { case: "fileContainingSymbol", value: "grpc.health.v1.HealthCheckResponse.ServingStatus" } },
        { messageRequest: { case: "fileByFilename", value: "library/book/v1/book.proto" } },
      ],
      withKey,
    );
    expect(registryOf(answers[0]).getMessage("library.author.v1.ListAuthorsRequest")).toBeDefined();
    expect(registryOf(answers[1]).getEnum("grpc.health.v1.HealthCheckResponse.ServingStatus")).toBeDefined();
    expect(registryOf(answers[2]).getMessage("library.book.v1.Book")).toBeDefined();
  });

  it("answers NOT_FOUND in the stream for an unknown symbol or file, and keeps the stream open", async () => {
    const answers = await reflect(
      address,
      version,
      [
        { messageRequest: { case: "fileContainingSymbol", value: "library.nope.v1.NopeService" } },
        { messageRequest: { case: "fileByFilename", value: "nope.proto" } },
        { messageRequest: { case: "listServices", value: "" } },
      ],
      withKey,
    );
    expect(answers.map((a) => a.messageResponse.case)).toEqual(["errorResponse", "errorResponse", "listServicesResponse"]);
    for (const a of answers.slice(0, 2)) expect(a.messageResponse.value).toMatchObject({ errorCode: grpc.status.NOT_FOUND });
  });

  it("answers extension questions from the files' own extensions, NOT_FOUND elsewhere", async () => {
    const [file, numbers, none, noType] = await reflect(
      address,
      version,
      [
        {
          messageRequest: {
            case: "fileContainingExtension",
            value: { containingType: "google.protobuf.MethodOptions", extensionNumber: 72295728 },
          },
        },
        { messageRequest: { case: "allExtensionNumbersOfType", value: "google.protobuf.MethodOptions" } },
        { messageRequest: { case: "fileContainingExtension", value: { containingType: "library.book.v1.Book", extensionNumber: 100 } } },
        { messageRequest: { case: "allExtensionNumbersOfType", value: "library.book.v1.Book" } },
      ],
      withKey,
    );
    expect(registryOf(file).getExtension("google.api.http")).toBeDefined();
    expect(numbers.messageResponse).toMatchObject({
      case: "allExtensionNumbersResponse",
      // (library.access.v1.rule) and (google.api.http).
      value: { baseTypeName: "google.protobuf.MethodOptions", extensionNumber: [50601, 72295728] },
    });
    expect(none.messageResponse).toMatchObject({ case: "errorResponse", value: { errorCode: grpc.status.NOT_FOUND } });
    expect(noType.messageResponse).toMatchObject({ case: "errorResponse", value: { errorCode: grpc.status.NOT_FOUND } });
  });
});

describe("addReflectionService's observation", () => {
  it("counts every reflection call in the request metrics, refused ones as Unauthenticated", async () => {
    await reflect(address, "v1", [{ messageRequest: { case: "listServices", value: "" } }], withKey);
    const text = await metrics.registry.getSingleMetricAsString("lms_requests_total");
    expect(text).toMatch(/lms_requests_total\{[^}]*method="ServerReflectionInfo",code="OK"[^}]*\} [1-9]/);
    expect(text).toMatch(/lms_requests_total\{[^}]*method="ServerReflectionInfo",code="Unauthenticated"[^}]*\} [1-9]/);
  });
});
