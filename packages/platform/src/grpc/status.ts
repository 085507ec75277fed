import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { type Code, ConnectError } from "@connectrpc/connect";
import type * as grpc from "@grpc/grpc-js";
import { StatusSchema } from "@lms/gen/google/rpc/status_pb";
import { appendMetadata, toMetadata } from "./metadata.js";

/** The trailer carrying a failure's google.rpc.Status with its details (the gRPC convention). */
const DETAILS_KEY = "grpc-status-details-bin";

// grpc-js's status and Connect's Code are the same gRPC numbering, so the casts below convert nothing.

/**
 * A failure as a grpc-js server sends it: code and message, the error's metadata as trailers,
 * and its details as a google.rpc.Status in `grpc-status-details-bin`, as Connect's own server
 * sends them (grpc-js writes `grpc-status` and `grpc-message` itself).
 */
export function toStatus(err: unknown): Partial<grpc.StatusObject> {
  const error = ConnectError.from(err);
  const metadata = toMetadata(error.metadata);
  metadata.remove("grpc-status"); // grpc-js writes these two itself
  metadata.remove("grpc-message");
  if (error.details.length > 0) {
    const details = error.details.map((detail) =>
      "desc" in detail
        ? anyPack(detail.desc, create(detail.desc, detail.value))
        : { typeUrl: `type.googleapis.com/${detail.type}`, value: detail.value },
    );
    const status = create(StatusSchema, { code: error.code, message: error.rawMessage, details });
    metadata.set(DETAILS_KEY, Buffer.from(toBinary(StatusSchema, status)));
  }
  return { code: error.code as number as grpc.status, details: error.rawMessage, metadata };
}

/**
 * The ConnectError Connect's own gRPC client makes of this grpc-js status: code and message
 * (from the google.rpc.Status in `grpc-status-details-bin` when there is one, with its details),
 * the trailers as metadata, and the response headers appended. Also used by the bench's bare
 * grpc-js load callers to read a refusal's ErrorInfo.
 */
export function toConnectError(status: grpc.StatusObject, header: Headers = new Headers()): ConnectError {
  const trailer = appendStatus(new Headers(), status);
  const [bytes] = status.metadata.get(DETAILS_KEY);
  const detailed = Buffer.isBuffer(bytes) ? fromBinary(StatusSchema, bytes) : undefined;
  let err: ConnectError;
  if (detailed && detailed.code !== 0) {
    err = new ConnectError(detailed.message, detailed.code as Code, trailer);
    err.details = detailed.details.map((any) => ({ type: any.typeUrl.slice(any.typeUrl.lastIndexOf("/") + 1), value: any.value }));
  } else {
    err = new ConnectError(fullyDecoded(status.details), status.code as number as Code, trailer);
  }
  header.forEach((value, key) => {
    err.metadata.append(key, value);
  });
  return err;
}

/** The status as Connect's client has it in the trailers: grpc-js takes out `grpc-status` and `grpc-message`. */
export function appendStatus(target: Headers, status: grpc.StatusObject): Headers {
  appendMetadata(status.metadata, target);
  target.set("grpc-status", String(status.code));
  if (status.details) target.set("grpc-message", encodeURIComponent(fullyDecoded(status.details)));
  return target;
}

/**
 * grpc-js decodes `grpc-message` with decodeURI, which leaves the escapes of `#$&+,/:;=?@` alone,
 * but Connect servers escape those too ("a, b" arrives as "a%2C b"); decode what it left. (Only a
 * message that literally contained such an escape, sent as "%252C", now decodes one step too far.)
 */
const fullyDecoded = (details: string) => details.replace(/%(2[346BCF]|3[ABDF]|40)/gi, (hex) => decodeURIComponent(hex));
