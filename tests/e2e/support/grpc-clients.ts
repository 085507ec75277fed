import { join } from "node:path";
import { fromBinary } from "@bufbuild/protobuf";
import { BinaryReader } from "@bufbuild/protobuf/wire";
import * as grpc from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { type ErrorInfo, ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { REPO_ROOT } from "@lms/platform";

/**
 * Clients made by @grpc/grpc-js from the .proto files themselves: a second, independent gRPC
 * implementation, so the end-to-end suites prove interoperability, not just self-consistency.
 */
const definition = loadSync(
  ["library/auth/v1/auth.proto", "library/author/v1/author.proto", "library/category/v1/category.proto", "library/book/v1/book.proto"],
  { includeDirs: [join(REPO_ROOT, "api", "proto")], keepCase: false, longs: String, enums: String, defaults: true, oneofs: true },
);
const loaded = grpc.loadPackageDefinition(definition) as unknown as {
  library: Record<string, { v1: Record<string, grpc.ServiceClientConstructor> }>;
};

type Callback = (err: grpc.ServiceError | null, res: Record<string, unknown>) => void;
type UnaryFn = (req: object, md: grpc.Metadata, cb: Callback) => void;

/** A promise-returning grpc-js client of `library.<pkg>.v1.<service>`. */
export function grpcClient(pkg: string, service: string, address: string) {
  const Ctor = loaded.library[pkg].v1[service];
  const client = new Ctor(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & Record<string, UnaryFn>;
  return {
    call(method: string, req: object, metadata: Record<string, string> = {}): Promise<Record<string, unknown>> {
      const md = new grpc.Metadata();
      for (const [k, v] of Object.entries(metadata)) md.set(k, v);
      return new Promise((resolve, reject) => {
        const fn = client[method];
        if (typeof fn !== "function") return reject(new Error(`no method ${method}`));
        fn.call(client, req, md, (err, res) => (err ? reject(err) : resolve(res)));
      });
    },
    /** Like `call`, with the response's initial metadata (headers such as `etag`) too. */
    callWithHeaders(method: string, req: object, metadata: Record<string, string> = {}) {
      const md = new grpc.Metadata();
      for (const [k, v] of Object.entries(metadata)) md.set(k, v);
      return new Promise<{ res: Record<string, unknown>; headers: grpc.Metadata }>((resolve, reject) => {
        const fn = client[method] as unknown as (req: object, md: grpc.Metadata, cb: Callback) => grpc.ClientUnaryCall;
        if (typeof fn !== "function") return reject(new Error(`no method ${method}`));
        let headers = new grpc.Metadata();
        const call = fn.call(client, req, md, (err, res) => (err ? reject(err) : resolve({ res, headers })));
        call.on("metadata", (m: grpc.Metadata) => {
          headers = m;
        });
      });
    },
    close: () => client.close(),
  };
}

/** The gRPC status code a promise rejects with (or "ok"). */
export async function grpcCode(p: Promise<unknown>): Promise<number | "ok"> {
  try {
    await p;
    return "ok";
  } catch (err) {
    return (err as grpc.ServiceError).code;
  }
}

/** The error a call must fail with; rejects when it answers instead. */
export function grpcRefusal(call: Promise<unknown>): Promise<grpc.ServiceError> {
  return call.then(
    () => Promise.reject(new Error("answered, where a refusal was expected")),
    (err: grpc.ServiceError) => err,
  );
}

/**
 * The google.rpc.ErrorInfo of a failed call, read the way any gRPC client reads it: from the
 * google.rpc.Status in the `grpc-status-details-bin` trailer (code 1, message 2, details 3 as
 * google.protobuf.Any: type_url 1, value 2). Undefined when the trailer carries none.
 */
export function errorInfoOf(err: unknown): ErrorInfo | undefined {
  const [status] = (err as grpc.ServiceError).metadata?.get("grpc-status-details-bin") ?? [];
  if (!(status instanceof Buffer)) return undefined;
  const reader = new BinaryReader(status);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field !== 3) {
      reader.skip(wireType);
      continue;
    }
    const any = new BinaryReader(reader.bytes());
    let typeUrl = "";
    let value: Uint8Array = new Uint8Array();
    while (any.pos < any.len) {
      const [f, w] = any.tag();
      if (f === 1) typeUrl = any.string();
      else if (f === 2) value = any.bytes();
      else any.skip(w);
    }
    if (typeUrl === `type.googleapis.com/${ErrorInfoSchema.typeName}`) return fromBinary(ErrorInfoSchema, value);
  }
  return undefined;
}
