// JSON Schema (OpenAPI 3.1 = draft 2020-12) for proto messages in the proto3 JSON
// mapping. A message gets one schema per role: as output every key is required
// (the REST layer emits unpopulated fields, DESIGN.md §2) and unset fields are
// null; as input only google.api.field_behavior REQUIRED fields are required.
import { type DescEnum, type DescExtension, type DescField, type DescMessage, getOption, hasOption, ScalarType } from "@bufbuild/protobuf";
import { commentOf } from "./proto-comments.js";

/** A JSON Schema object (kept loose: this module is its only writer). */
export type JsonSchema = { [key: string]: unknown };

/** Where a message appears: in a request (input) or an answer (output). */
export type Role = "input" | "output";

const FIELD_BEHAVIOR_OPTIONAL = 1;
const FIELD_BEHAVIOR_REQUIRED = 2;

/** The component schemas of one document, built on first reference. */
export class ComponentSchemas {
  private readonly built = new Map<string, JsonSchema>();
  private readonly outputs = new Set<string>();

  /** `behavior` is the google.api.field_behavior extension, when the protos import it. */
  constructor(
    private readonly behavior: DescExtension | undefined,
    outputRoots: readonly DescMessage[],
  ) {
    for (const m of outputRoots) this.markOutput(m);
  }

  /** A `$ref` to the message's (or enum's) schema in `role`, building it if new. */
  ref(desc: DescMessage | DescEnum, role: Role): JsonSchema {
    const name = this.nameOf(desc, role);
    if (!this.built.has(name)) {
      this.built.set(name, {}); // placeholder first: messages may refer to themselves
      this.built.set(name, desc.kind === "enum" ? enumSchema(desc) : this.objectSchema(desc, role, new Set()));
    }
    return { $ref: `#/components/schemas/${name}` };
  }

  /** The message inline, without the fields in `skip` (those bound to the path). */
  objectSchema(message: DescMessage, role: Role, skip: ReadonlySet<string>): JsonSchema {
    const fields = message.fields.filter((f) => !skip.has(f.name));
    const required = fields.filter((f) => role === "output" || this.has(f, FIELD_BEHAVIOR_REQUIRED)).map((f) => f.jsonName);
    return {
      type: "object",
      description: commentOf(message) || undefined,
      properties: Object.fromEntries(fields.map((f) => [f.jsonName, this.fieldSchema(f, role)])),
      required: required.length > 0 ? required : undefined,
    };
  }

  /** Every schema built so far, keys sorted for byte-stable output. */
  all(): Record<string, JsonSchema> {
    return Object.fromEntries([...this.built].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** Whether a field is REQUIRED in requests. */
  isRequired(field: DescField): boolean {
    return this.has(field, FIELD_BEHAVIOR_REQUIRED);
  }

  /** The schema of one field in `role`, with its description unless it is a bare `$ref`. */
  fieldSchema(field: DescField, role: Role): JsonSchema {
    const description = commentOf(field) || undefined;
    const base = this.typeSchema(field, role);
    if (field.fieldKind === "list") return { type: "array", items: base, description };
    if (field.fieldKind === "map") return { type: "object", additionalProperties: base, description };
    const schema = role === "output" && this.canBeNull(field) ? nullable(base) : base;
    const bounds = role === "input" && field.scalar === ScalarType.INT32 ? integerBounds(description ?? "") : {};
    return schema.$ref ? schema : { ...schema, ...bounds, description };
  }

  private typeSchema(t: DescField, role: Role): JsonSchema {
    const typed = t as { message?: DescMessage; enum?: DescEnum; scalar?: ScalarType };
    if (typed.message) return WELL_KNOWN.get(typed.message.typeName) ?? this.ref(typed.message, role);
    if (typed.enum) return this.ref(typed.enum, role);
    if (typed.scalar === undefined) throw new Error(`${t.toString()}: field without a type`);
    return { ...SCALARS[typed.scalar] };
  }

  /** proto3 `optional` scalars, and message fields declared OPTIONAL, are null when unset. */
  private canBeNull(field: DescField): boolean {
    if (field.fieldKind === "scalar" || field.fieldKind === "enum") return field.proto.proto3Optional === true;
    return field.fieldKind === "message" && this.has(field, FIELD_BEHAVIOR_OPTIONAL);
  }

  private has(field: DescField, behavior: number): boolean {
    if (!this.behavior || !hasOption(field, this.behavior)) return false;
    const value: unknown = getOption(field, this.behavior);
    return Array.isArray(value) && value.includes(behavior);
  }

  /** Short names (Author); an input twin of an output message gets `Input` appended. */
  private nameOf(desc: DescMessage | DescEnum, role: Role): string {
    const pkg = desc.file.proto.package;
    const base = desc.typeName.slice(pkg ? pkg.length + 1 : 0).replaceAll(".", "_");
    return desc.kind === "message" && role === "input" && this.outputs.has(desc.typeName) ? `${base}Input` : base;
  }

  private markOutput(message: DescMessage): void {
    if (this.outputs.has(message.typeName) || WELL_KNOWN.has(message.typeName)) return;
    this.outputs.add(message.typeName);
    for (const f of message.fields) {
      const nested = (f as { message?: DescMessage }).message;
      if (nested) this.markOutput(nested);
    }
  }
}

function nullable(schema: JsonSchema): JsonSchema {
  if (schema.$ref) return { oneOf: [schema, { type: "null" }] };
  return { ...schema, type: [schema.type, "null"] };
}

/** `1..100` and `(default 20)` in an integer field's comment become its bounds and default. */
function integerBounds(comment: string): JsonSchema {
  const range = /(\d+)\.\.(\d+)/.exec(comment);
  const def = /\(default (\d+)\)/.exec(comment);
  return {
    minimum: range ? Number(range[1]) : undefined,
    maximum: range ? Number(range[2]) : undefined,
    default: def ? Number(def[1]) : undefined,
  };
}

/** Enums travel as value names in JSON; the description lists what each means. */
function enumSchema(e: DescEnum): JsonSchema {
  const values = e.values.map((v) => `- ${v.name}: ${commentOf(v).replace(/\s+/g, " ")}`.replace(/: $/, ""));
  const description = [commentOf(e), values.join("\n")].filter(Boolean).join("\n\n");
  return { type: "string", enum: e.values.map((v) => v.name), description: description || undefined };
}

// Proto3 JSON mapping: 64-bit integers are strings, bytes are base64.
const SCALARS: Record<ScalarType, JsonSchema> = {
  [ScalarType.DOUBLE]: { type: "number", format: "double" },
  [ScalarType.FLOAT]: { type: "number", format: "float" },
  [ScalarType.INT64]: { type: "string", format: "int64" },
  [ScalarType.UINT64]: { type: "string", format: "uint64" },
  [ScalarType.INT32]: { type: "integer", format: "int32" },
  [ScalarType.FIXED64]: { type: "string", format: "uint64" },
  [ScalarType.FIXED32]: { type: "integer", format: "uint32" },
  [ScalarType.BOOL]: { type: "boolean" },
  [ScalarType.STRING]: { type: "string" },
  [ScalarType.BYTES]: { type: "string", format: "byte" },
  [ScalarType.UINT32]: { type: "integer", format: "uint32" },
  [ScalarType.SFIXED32]: { type: "integer", format: "int32" },
  [ScalarType.SFIXED64]: { type: "string", format: "int64" },
  [ScalarType.SINT32]: { type: "integer", format: "int32" },
  [ScalarType.SINT64]: { type: "string", format: "int64" },
};

// Well-known types have their own JSON form instead of a component.
const WELL_KNOWN = new Map<string, JsonSchema>([
  ["google.protobuf.Timestamp", { type: "string", format: "date-time" }],
  ["google.protobuf.Duration", { type: "string", pattern: "^-?\\d+(\\.\\d+)?s$" }],
  ["google.protobuf.FieldMask", { type: "string", description: "Comma-separated lowerCamelCase field names." }],
  ["google.protobuf.Empty", { type: "object" }],
  ["google.protobuf.Struct", { type: "object" }],
  ["google.protobuf.StringValue", { type: ["string", "null"] }],
  ["google.protobuf.BoolValue", { type: ["boolean", "null"] }],
  ["google.protobuf.Int32Value", { type: ["integer", "null"], format: "int32" }],
  ["google.protobuf.Int64Value", { type: ["string", "null"], format: "int64" }],
  ["google.protobuf.DoubleValue", { type: ["number", "null"], format: "double" }],
]);
