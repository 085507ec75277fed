import { fromBinary, fromJson, type JsonValue, toBinary, toJson } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { type ReflectionVersion, reflect, registryOf } from "@lms/platform/testing/reflection-client";
import { rest } from "@lms/platform/testing/rest-client";
import { GrpcReflection } from "grpc-js-reflection-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Body } from "./support/fixtures.js";
import { ADMIN, SERVER_KEY, type Stack, startStack } from "./support/stack.js";

const SERVICES = {
  auth: "library.auth.v1.AuthService",
  author: "library.author.v1.AuthorService",
  category: "library.category.v1.CategoryService",
  book: "library.book.v1.BookService",
} as const;
const withKey = { "x-server-key": SERVER_KEY };

function keyMetadata(key = SERVER_KEY): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set("x-server-key", key);
  return md;
}

// Real processes, real PostgreSQL; reflection asked over @grpc/grpc-js the way grpcurl asks it.
describe("gRPC server reflection end to end", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack(Object.keys(SERVICES));
    const login = await rest<Body>(stack.services.auth.baseUrl, "POST", "/api/v1/auth/login", { body: ADMIN });
    const token = String(login.body.accessToken);
    const created = await rest<Body>(stack.services.author.baseUrl, "POST", "/api/v1/authors", {
      token,
      body: { name: "Reflected Author", nationality: "Chilean" },
    });
    expect(created.status).toBeLessThan(300);
  });
  afterAll(async () => stack?.stop());

  describe.each<ReflectionVersion>(["v1", "v1alpha"])("grpc.reflection.%s", (version) => {
    it.each(Object.entries(SERVICES))("lists %s's services, health and reflection, with the server key", async (name, service) => {
      const [answer] = await reflect(stack.grpcAddr[name], version, [{ messageRequest: { case: "listServices", value: "" } }], withKey);
      expect(answer.messageResponse.case).toBe("listServicesResponse");
      const names = answer.messageResponse.case === "listServicesResponse" ? answer.messageResponse.value.service.map((s) => s.name) : [];
      expect(names.sort()).toEqual(
        [service, "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"].sort(),
      );
    });

    it.each(Object.keys(SERVICES))("refuses %s's reflection without the server key or with a wrong one", async (name) => {
      const list = [{ messageRequest: { case: "listServices", value: "" } } as const];
      for (const metadata of [{}, { "x-server-key": "not-the-key" }] as Record<string, string>[]) {
        const err = await reflect(stack.grpcAddr[name], version, list, metadata).then(
          () => expect.unreachable("reflection answered without the key"),
          (e: grpc.ServiceError) => e,
        );
        expect(err.code).toBe(grpc.status.UNAUTHENTICATED);
      }
    });

    it("describes BookService from one answer: every message of every method builds", async () => {
      const [answer] = await reflect(
        stack.grpcAddr.book,
        version,
        [{ messageRequest: { case: "fileContainingSymbol", value: SERVICES.book } }],
        withKey,
      );
      const service = registryOf(answer).getService(SERVICES.book);
      expect(service?.methods.map((m) => m.name)).toEqual(expect.arrayContaining(["CreateBook", "GetBook", "BorrowBook", "ListLoans"]));
      for (const method of service?.methods ?? []) {
        expect(method.input.fields.length + method.output.fields.length).toBeGreaterThan(0);
      }
    });

    it("calls AuthorService/ListAuthors with a request built only from the reflected descriptors", async () => {
      const address = stack.grpcAddr.author;
      const [answer] = await reflect(
        address,
        version,
        [{ messageRequest: { case: "fileContainingSymbol", value: SERVICES.author } }],
        withKey,
      );
      const method = registryOf(answer)
        .getService(SERVICES.author)
        ?.methods.find((m) => m.name === "ListAuthors");
      if (!method) return expect.unreachable("ListAuthors was not described");
      const client = new grpc.Client(address, grpc.credentials.createInsecure());
      try {
        const reply = await new Promise<JsonValue>((resolve, reject) =>
          client.makeUnaryRequest(
            `/${SERVICES.author}/ListAuthors`,
            (req: JsonValue) => Buffer.from(toBinary(method.input, fromJson(method.input, req))),
            (bytes: Buffer) => toJson(method.output, fromBinary(method.output, bytes)),
            { pageSize: 10, q: "reflected" },
            keyMetadata(),
            (err, res) => (err || res === undefined ? reject(err) : resolve(res)),
          ),
        );
        expect(reply).toMatchObject({ totalSize: 1, authors: [{ name: "Reflected Author", nationality: "Chilean" }] });
      } finally {
        client.close();
      }
    });

    // grpc-js-reflection-client: a third-party client (protobufjs inside), as a user would bring.
    it("serves a third-party reflection client, which then calls ListAuthors with what it learned", async () => {
      const address = stack.grpcAddr.author;
      const reflection = new GrpcReflection(address, grpc.credentials.createInsecure(), {}, version);
      expect(await reflection.listServices("*", keyMetadata())).toContain(SERVICES.author);
      // It wraps the call's error in its own, whose message keeps grpc-js's "<code> <NAME>: <details>".
      await expect(reflection.listServices("*", keyMetadata("wrong"))).rejects.toThrow("16 UNAUTHENTICATED: wrong server key");
      const descriptor = await reflection.getDescriptorBySymbol(SERVICES.author, keyMetadata());
      // Its own getPackageObject() round-trips the files through protobufjs's toDescriptor, which
      // writes every extension a second time as a plain field of the options message it extends
      // (FieldOptions gets ".google.api.fieldBehavior" = 1052), and then refuses its own output
      // ("duplicate id 1052"). The protobufjs root it built from our answer is right, so the
      // client is loaded from that root with @grpc/proto-loader, as its users do.
      // (protobufjs names fields in lowerCamelCase when it reads descriptors.)
      const definition = protoLoader.fromJSON(descriptor.getProtobufJsRoot().toJSON(), {
        longs: String,
        enums: String,
        defaults: true,
      });
      const pkg = grpc.loadPackageDefinition(definition) as unknown as {
        library: { author: { v1: { AuthorService: grpc.ServiceClientConstructor } } };
      };
      const client = new pkg.library.author.v1.AuthorService(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
        ListAuthors(req: object, md: grpc.Metadata, cb: (err: grpc.ServiceError | null, res: Body) => void): void;
      };
      try {
        const reply = await new Promise<Body>((resolve, reject) =>
          client.ListAuthors({ pageSize: 10, q: "reflected" }, keyMetadata(), (err, res) => (err ? reject(err) : resolve(res))),
        );
        expect(reply).toMatchObject({ totalSize: 1, authors: [{ name: "Reflected Author" }] });
      } finally {
        client.close();
      }
    });
  });
});
