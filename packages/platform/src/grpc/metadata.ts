import * as grpc from "@grpc/grpc-js";

/**
 * Headers (what Connect's interceptors and handler contexts use) → grpc-js metadata. Values of
 * `-bin` keys are base64 in Headers, possibly several joined by commas, and bytes in grpc-js.
 */
export function toMetadata(headers: Headers): grpc.Metadata {
  const metadata = new grpc.Metadata();
  headers.forEach((value, key) => {
    if (!key.endsWith("-bin")) metadata.add(key, value);
    else for (const v of value.split(",")) metadata.add(key, Buffer.from(v.trim(), "base64"));
  });
  return metadata;
}

/** grpc-js metadata appended to `target` (a new Headers when none), `-bin` values as base64. */
export function appendMetadata(metadata: grpc.Metadata, target = new Headers()): Headers {
  for (const [key, values] of Object.entries(metadata.toJSON())) {
    for (const value of values) target.append(key, typeof value === "string" ? value : value.toString("base64"));
  }
  return target;
}
