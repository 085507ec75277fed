import type { DescMessage, JsonObject, JsonValue } from "@bufbuild/protobuf";

/** Well-known types whose JSON form is not an object (Timestamp is a string, and so on). */
const SCALAR_LIKE = /^google\.protobuf\./;

/**
 * Completes proto3 JSON the way grpc-gateway's EmitUnpopulated does: `toJson` with
 * `alwaysEmitImplicit` already writes zero values, and this adds `null` for unset message
 * fields (e.g. an open loan's `returnedAt`), so every key of the schema is always present and
 * clients never guess about a missing one.
 */
export function emitUnpopulated(desc: DescMessage, json: JsonValue): JsonValue {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return json;
  const out: JsonObject = { ...json };
  for (const field of desc.fields) {
    const value = out[field.jsonName];
    if (field.fieldKind === "message") {
      const nested = field.message;
      if (value === undefined) out[field.jsonName] = null;
      else if (!SCALAR_LIKE.test(nested.typeName)) out[field.jsonName] = emitUnpopulated(nested, value);
    } else if (field.fieldKind === "list" && field.listKind === "message" && Array.isArray(value)) {
      const item = field.message;
      if (!SCALAR_LIKE.test(item.typeName)) out[field.jsonName] = value.map((v) => emitUnpopulated(item, v));
    } else if (value === undefined) {
      out[field.jsonName] = null; // a proto3 `optional` scalar left unset
    }
  }
  return out;
}
