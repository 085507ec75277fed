import { create, createFileRegistry, type FileRegistry, fromBinary, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import * as grpc from "@grpc/grpc-js";
import {
  ServerReflectionRequestSchema,
  type ServerReflectionResponse,
  ServerReflectionResponseSchema,
  ServerReflection as ServerReflectionV1,
} from "@lms/gen/grpc/reflection/v1/reflection_pb";
import { ServerReflection as ServerReflectionV1Alpha } from "@lms/gen/grpc/reflection/v1alpha/reflection_pb";

/** The two published versions of the reflection protocol. */
export type ReflectionVersion = "v1" | "v1alpha";

/** One request as the v1 message's init shape (v1alpha's has the same fields and numbers). */
export type ReflectionRequest = MessageInitShape<typeof ServerReflectionRequestSchema>;

/**
 * Asks a gRPC server's reflection service the way grpcurl does: one
 * `ServerReflectionInfo` bidi stream over @grpc/grpc-js, the requests written in turn, one
 * answer read per request, then the stream closed. `metadata` goes with the call (the server
 * key). Rejects with the grpc-js ServiceError when the call fails.
 */
export async function reflect(
  address: string,
  version: ReflectionVersion,
  requests: readonly ReflectionRequest[],
  metadata: Record<string, string> = {},
): Promise<ServerReflectionResponse[]> {
  const method = (version === "v1" ? ServerReflectionV1 : ServerReflectionV1Alpha).method.serverReflectionInfo;
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  for (const [key, value] of Object.entries(metadata)) md.set(key, value);
  try {
    const call = client.makeBidiStreamRequest(
      `/${method.parent.typeName}/${method.name}`,
      // v1 messages for both versions: v1alpha's have the same fields and numbers, so the same bytes.
      (req: ReflectionRequest) => Buffer.from(toBinary(ServerReflectionRequestSchema, create(ServerReflectionRequestSchema, req))),
      (bytes: Buffer) => fromBinary(ServerReflectionResponseSchema, bytes),
      md,
    );
    const answers: ServerReflectionResponse[] = [];
    const done = new Promise<ServerReflectionResponse[]>((resolve, reject) => {
      call.on("data", (answer: ServerReflectionResponse) => {
        answers.push(answer);
        if (answers.length === requests.length) call.end();
      });
      call.on("error", reject);
      call.on("end", () => resolve(answers));
    });
    for (const req of requests) call.write(req);
    if (requests.length === 0) call.end();
    return await done;
  } finally {
    client.close();
  }
}

/**
 * A registry of the files one reflection answer carried (the file asked for first, then what it
 * imports, in any order): it builds only if they link on their own.
 */
export function registryOf(answer: ServerReflectionResponse): FileRegistry {
  if (answer.messageResponse.case !== "fileDescriptorResponse") {
    throw new Error(`expected files, got ${answer.messageResponse.case}: ${JSON.stringify(answer.messageResponse.value)}`);
  }
  const [first, ...imports] = answer.messageResponse.value.fileDescriptorProto.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes));
  const byName = new Map(imports.map((file) => [file.name, file]));
  return createFileRegistry(first, (name) => byName.get(name));
}
