// Swagger 2.0 schemas from proto descriptors: the proto3 JSON mapping of scalars, enums,
// messages and well-known types, and the definitions a document refers to (built once each).
import { type DescEnum, type DescField, type DescFile, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { nestedTypes } from "@bufbuild/protobuf/reflect";
import { commentOf } from "./proto-comments.js";

export interface Schema {
  type?: string;
  format?: string;
  $ref?: string;
  description?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema;
  enum?: string[];
  default?: string;
}

export type Ref = (desc: DescMessage | DescEnum) => Schema;
export type Typed = {
  readonly scalar?: ScalarType | undefined;
  readonly enum?: DescEnum | undefined;
  readonly message?: DescMessage | undefined;
};

// Non-body parameters cannot $ref a definition, so enums are inlined here.
export function primitiveSchema(t: Typed): Schema | undefined {
  if (t.enum) return enumSchema(t.enum, false);
  if (t.scalar !== undefined) return scalarSchema(t.scalar);
  const wkt = t.message && WELL_KNOWN.get(t.message.typeName);
  return wkt?.type && wkt.type !== "object" ? { ...wkt } : undefined;
}

/** Collects the definitions that schemas refer to, building each once. */
export class Definitions {
  private readonly used = new Map<string, DescMessage | DescEnum>();
  private readonly pending: (DescMessage | DescEnum)[] = [];

  constructor(private readonly names: ReadonlyMap<string, string>) {}

  readonly ref: Ref = (desc) => {
    const name = this.names.get(desc.typeName) ?? desc.typeName;
    if (!this.used.has(name)) {
      this.used.set(name, desc);
      this.pending.push(desc);
    }
    return { $ref: `#/definitions/${name}` };
  };

  /** Drains the queue (building a message may refer to more types); keys sorted for byte-stable output. */
  build(): Record<string, Schema> {
    const out: Record<string, Schema> = { ...ERROR_DEFINITIONS };
    for (let desc = this.pending.shift(); desc; desc = this.pending.shift()) {
      const name = this.names.get(desc.typeName) ?? desc.typeName;
      out[name] = desc.kind === "enum" ? enumSchema(desc, true) : objectSchema(desc, this.ref, new Set());
    }
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}

/**
 * grpc-gateway's (legacy) names: last package segment + message path, e.g.
 * library.book.v1.Book → v1Book. Names clashing among the types visible from
 * the file fall back to the full proto name.
 */
export function definitionNames(file: DescFile): Map<string, string> {
  const types = visibleFiles(file).flatMap((f) => [...nestedTypes(f)]);
  const short = new Map<string, string>();
  const count = new Map<string, number>();
  for (const t of types) {
    if (t.kind !== "message" && t.kind !== "enum") continue;
    const pkg = t.file.proto.package;
    const name = (pkg.split(".").at(-1) ?? "") + t.typeName.slice(pkg ? pkg.length + 1 : 0).replaceAll(".", "");
    short.set(t.typeName, name);
    count.set(name, (count.get(name) ?? 0) + 1);
  }
  return new Map([...short].map(([full, name]) => [full, (count.get(name) ?? 0) > 1 ? full : name]));
}

function visibleFiles(file: DescFile, seen = new Set<DescFile>()): DescFile[] {
  if (seen.has(file)) return [];
  seen.add(file);
  return [file, ...file.dependencies.flatMap((d) => visibleFiles(d, seen))];
}

export function objectSchema(message: DescMessage, ref: Ref, skip: ReadonlySet<string>): Schema {
  const fields = message.fields.filter((f) => !skip.has(f.name));
  const properties = Object.fromEntries(fields.map((f) => [f.jsonName, fieldSchema(f, ref)]));
  return {
    type: "object",
    properties: fields.length > 0 ? properties : undefined,
    description: commentOf(message) || undefined,
  };
}

// proto3 `optional` only adds presence; the JSON shape is the same, so it is not special-cased.
export function fieldSchema(field: DescField, ref: Ref): Schema {
  const base = typeSchema(field, ref);
  const description = commentOf(field) || undefined;
  if (field.fieldKind === "list") return { type: "array", items: base, description };
  if (field.fieldKind === "map") return { type: "object", additionalProperties: base, description };
  // A $ref takes no siblings (they are ignored, and spectral's no-$ref-siblings refuses them).
  return base.$ref ? base : { ...base, description };
}

function typeSchema(t: Typed, ref: Ref): Schema {
  if (t.message) return messageRef(t.message, ref);
  if (t.enum) return ref(t.enum);
  if (t.scalar === undefined) throw new Error("field without a type");
  return scalarSchema(t.scalar);
}

export function messageRef(message: DescMessage, ref: Ref): Schema {
  const wkt = WELL_KNOWN.get(message.typeName);
  return wkt ? { ...wkt } : ref(message);
}

/** Enums travel as their value names in JSON; definitions also list what each value means. */
function enumSchema(e: DescEnum, withDescription: boolean): Schema {
  const names = e.values.map((v) => v.name);
  if (!withDescription) return { type: "string", enum: names, default: names[0] };
  const values = e.values.map((v) => `- ${v.name}: ${commentOf(v).replace(/\s+/g, " ")}`.replace(/: $/, ""));
  const description = [commentOf(e), values.join("\n")].filter(Boolean).join("\n\n");
  return { type: "string", enum: names, default: names[0], description: description || undefined };
}

function scalarSchema(scalar: ScalarType): Schema {
  return { ...SCALARS[scalar] };
}

// Proto3 JSON mapping: 64-bit integers are strings, bytes are base64.
const SCALARS: Record<ScalarType, Schema> = {
  [ScalarType.DOUBLE]: { type: "number", format: "double" },
  [ScalarType.FLOAT]: { type: "number", format: "float" },
  [ScalarType.INT64]: { type: "string", format: "int64" },
  [ScalarType.UINT64]: { type: "string", format: "uint64" },
  [ScalarType.INT32]: { type: "integer", format: "int32" },
  [ScalarType.FIXED64]: { type: "string", format: "uint64" },
  [ScalarType.FIXED32]: { type: "integer", format: "int64" },
  [ScalarType.BOOL]: { type: "boolean" },
  [ScalarType.STRING]: { type: "string" },
  [ScalarType.BYTES]: { type: "string", format: "byte" },
  [ScalarType.UINT32]: { type: "integer", format: "int64" },
  [ScalarType.SFIXED32]: { type: "integer", format: "int32" },
  [ScalarType.SFIXED64]: { type: "string", format: "int64" },
  [ScalarType.SINT32]: { type: "integer", format: "int32" },
  [ScalarType.SINT64]: { type: "string", format: "int64" },
};

// Well-known types have a special JSON form, so they map to it instead of a definition.
const WELL_KNOWN = new Map<string, Schema>([
  ["google.protobuf.Timestamp", { type: "string", format: "date-time" }],
  ["google.protobuf.Duration", { type: "string" }],
  ["google.protobuf.FieldMask", { type: "string" }],
  ["google.protobuf.Empty", { type: "object" }],
  ["google.protobuf.Struct", { type: "object" }],
  ["google.protobuf.Any", { $ref: "#/definitions/protobufAny" }],
  ["google.protobuf.StringValue", { type: "string" }],
  ["google.protobuf.BytesValue", { type: "string", format: "byte" }],
  ["google.protobuf.BoolValue", { type: "boolean" }],
  ["google.protobuf.Int32Value", { type: "integer", format: "int32" }],
  ["google.protobuf.UInt32Value", { type: "integer", format: "int64" }],
  ["google.protobuf.Int64Value", { type: "string", format: "int64" }],
  ["google.protobuf.UInt64Value", { type: "string", format: "uint64" }],
  ["google.protobuf.FloatValue", { type: "number", format: "float" }],
  ["google.protobuf.DoubleValue", { type: "number", format: "double" }],
]);

// The error body of every operation: google.rpc.Status as grpc-gateway names it.
const ERROR_DEFINITIONS: Record<string, Schema> = {
  protobufAny: {
    type: "object",
    properties: { "@type": { type: "string" } },
    additionalProperties: {},
  },
  rpcStatus: {
    type: "object",
    properties: {
      code: { type: "integer", format: "int32" },
      message: { type: "string" },
      details: { type: "array", items: { $ref: "#/definitions/protobufAny" } },
    },
  },
};
