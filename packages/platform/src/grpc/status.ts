import { ConnectError } from "@connectrpc/connect";
import { setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import type * as grpc from "@grpc/grpc-js";
import { toMetadata } from "./metadata.js";

/**
 * A failure as grpc-js sends it: code and message, and the trailers Connect's own server would
 * send (the error's metadata, and its details as a google.rpc.Status in grpc-status-details-bin).
 */
export function toStatus(err: unknown): Partial<grpc.StatusObject> {
  const error = ConnectError.from(err);
  const trailer = setTrailerStatus(new Headers(), error);
  trailer.delete("grpc-status"); // grpc-js writes these two itself
  trailer.delete("grpc-message");
  return { code: error.code as number as grpc.status, details: error.rawMessage, metadata: toMetadata(trailer) };
}
