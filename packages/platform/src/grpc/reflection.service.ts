import { randomUUID } from "node:crypto";
import { type DescFile, type DescService, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import { ReflectionService } from "@grpc/reflection";
import { ServerReflection as ServerReflectionV1 } from "@lms/gen/grpc/reflection/v1/reflection_pb";
import { ServerReflection as ServerReflectionV1Alpha } from "@lms/gen/grpc/reflection/v1alpha/reflection_pb";
import { accessLogger, type Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import { appendMetadata } from "./metadata.js";
import { toStatus } from "./status.js";

/**
 * Serves gRPC server reflection, `grpc.reflection.v1.ServerReflection` and its predecessor
 * `grpc.reflection.v1alpha.ServerReflection` (what grpcurl, Postman, Evans and grpcui ask), on
 * `server`, with the maintained `@grpc/reflection` package. It describes `services` (and the
 * reflection services themselves, as grpc-go does): list_services names them; file_by_filename
 * and file_containing_symbol answer the file with every file it imports, transitively, as the
 * exact FileDescriptorProtos protobuf-es generated from (options included), so a client can
 * build every message from one answer; file_containing_extension and
 * all_extension_numbers_of_type answer from the extensions those files declare (the
 * `google.api.http` method option), NOT_FOUND otherwise.
 * Each call first passes `guard.authorize` (the server key, DESIGN.md §2): a call it throws for
 * is ended with that error before the reflection stream reads anything. With `guard.log` and
 * `guard.metrics` each call, once over, gets the access-log line and metric sample of every
 * other gRPC call (the invoker's observe interceptor does not see this bidi stream).
 */
export function addReflectionService(
  server: Pick<grpc.Server, "addService">,
  services: readonly DescService[],
  guard: ReflectionGuard,
): void {
  const files = filesOf([...services, ServerReflectionV1, ServerReflectionV1Alpha]);
  const encoded = new Map([...files.values()].map((f) => [f.proto.name, toBinary(FileDescriptorProtoSchema, f.proto)]));
  const reflection = new ReflectionService(
    // A proto-loader package definition is read only for its entries' fileDescriptorProtos.
    {
      lms: {
        format: "Protocol Buffer 3 DescriptorProto",
        type: {},
        fileDescriptorProtos: [...encoded.values()].map((bytes) => Buffer.from(bytes)),
      },
    },
    { services: [...services.map((s) => s.typeName), ServerReflectionV1.typeName, ServerReflectionV1Alpha.typeName] },
  );
  completeIndexes(reflection, encoded);
  reflection.addToServer({
    addService(definition, implementation) {
      const handlers: grpc.UntypedServiceImplementation = {};
      for (const [name, handler] of Object.entries(implementation)) {
        handlers[name] = guarded(name, handler as grpc.handleBidiStreamingCall<unknown, unknown>, guard);
      }
      server.addService(definition, handlers);
    },
  });
}

/** What a reflection call passes through before and after the package's handler. */
export interface ReflectionGuard {
  /** Throws (UNAUTHENTICATED) to refuse a call: the server-key check. */
  authorize(header: Headers): void;
  log?: Logger;
  metrics?: Metrics;
}

function guarded(
  method: string,
  handler: grpc.handleBidiStreamingCall<unknown, unknown>,
  guard: ReflectionGuard,
): grpc.handleBidiStreamingCall<unknown, unknown> {
  const access = guard.log && accessLogger(guard.log);
  return (call) => {
    const started = performance.now();
    const header = appendMetadata(call.metadata);
    const requestId = header.get("x-request-id") ?? randomUUID();
    const observe = (code: string) => {
      const seconds = (performance.now() - started) / 1000;
      guard.metrics?.observe("grpc", method, code, seconds);
      access?.info({ transport: "grpc", method, code, durationMs: +(seconds * 1000).toFixed(2), requestId }, "request");
    };
    try {
      guard.authorize(header);
    } catch (err) {
      observe(Code[ConnectError.from(err).code] ?? "Unknown");
      return void call.emit("error", toStatus(err));
    }
    let over = false;
    const end = (code: string) => {
      if (!over) observe(code);
      over = true;
    };
    call.once("finish", () => end("OK"));
    call.once("cancelled", () => end(Code[Code.Canceled]));
    const echo = new grpc.Metadata();
    echo.set("x-request-id", requestId);
    call.sendMetadata(echo);
    handler(call);
  };
}

/** `roots`' files and every file they import, transitively, by file name. */
function filesOf(roots: readonly DescService[]): Map<string, DescFile> {
  const files = new Map<string, DescFile>();
  const add = (file: DescFile) => {
    if (files.has(file.proto.name)) return;
    files.set(file.proto.name, file);
    file.dependencies.forEach(add);
  };
  for (const service of roots) add(service.file);
  return files;
}

/** The parts of @grpc/reflection's (pinned) per-version index that `completeIndexes` corrects. */
interface VersionIndex {
  files: Record<string, { dependency?: string[] }>;
  fileDependencies: Map<object, object[]>;
  fileEncodings: Map<object, Uint8Array>;
  extensions: Record<string, Record<number, object>>;
}

/**
 * Three corrections to what @grpc/reflection 1.0.4 derives from the files it is given (it
 * re-reads them with protobufjs, which knows no custom options): answer the files' own bytes
 * (it drops the `google.api.http` options), count a file's declared imports as its
 * dependencies (it counts only files whose types a field or method names, so
 * `google/api/annotations.proto` went missing and a client could not link `book.proto`), and
 * key extensions by the extended type's name as clients send it (it keeps protoc's leading dot).
 */
function completeIndexes(reflection: ReflectionService, encoded: ReadonlyMap<string, Uint8Array>): void {
  const versions = reflection as unknown as { v1?: VersionIndex; v1Alpha?: VersionIndex };
  for (const index of [versions.v1, versions.v1Alpha]) {
    if (!index?.files || !index.fileDependencies || !index.fileEncodings || !index.extensions) {
      throw new Error("@grpc/reflection's internals are not those of 1.0.4: check addReflectionService against the new version");
    }
    for (const [name, file] of Object.entries(index.files)) {
      const bytes = encoded.get(name);
      if (bytes) index.fileEncodings.set(file, bytes);
      index.fileDependencies.set(
        file,
        (file.dependency ?? []).flatMap((dep) => index.files[dep] ?? []),
      );
    }
    for (const [extendee, byNumber] of Object.entries(index.extensions)) {
      if (!extendee.startsWith(".")) continue;
      delete index.extensions[extendee];
      index.extensions[extendee.slice(1)] = { ...index.extensions[extendee.slice(1)], ...byNumber };
    }
  }
}
