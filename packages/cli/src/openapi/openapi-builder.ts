// Builds OpenAPI 2.0 (Swagger) documents from proto descriptors, in the style
// of grpc-gateway's protoc-gen-openapiv2, for every service with
// google.api.http rules. Pure: descriptors in, file names and JSON text out,
// so it is unit-testable without running buf.

import {
  type DescEnum,
  type DescExtension,
  type DescField,
  type DescFile,
  type DescMessage,
  type DescMethod,
  type DescService,
  type FileRegistry,
  ScalarType,
} from "@bufbuild/protobuf";
import { nestedTypes } from "@bufbuild/protobuf/reflect";
import { apiVersion, commentOf, requiresToken, serviceShortName, summaryOf } from "./proto-comments.js";
import { HTTP_RULE_EXTENSION, type HttpBinding, httpBinding } from "./proto-http.js";
import type { GeneratedFile } from "./run-openapi-plugin.js";

export { requiresToken, summaryOf };

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

interface Parameter extends Schema {
  name: string;
  in: "path" | "query" | "body";
  required: boolean;
  schema?: Schema;
  collectionFormat?: "multi";
}

interface Operation {
  summary?: string;
  description?: string;
  operationId: string;
  responses: Record<string, { description: string; schema: Schema }>;
  parameters: Parameter[];
  tags: string[];
  security?: Record<string, string[]>[];
}

type Ref = (desc: DescMessage | DescEnum) => Schema;
type Typed = { readonly scalar?: ScalarType | undefined; readonly enum?: DescEnum | undefined; readonly message?: DescMessage | undefined };

/** One swagger file per service that has at least one google.api.http rule. */
export function buildOpenApiFiles(registry: FileRegistry, fileNames: readonly string[]): GeneratedFile[] {
  // Resolved dynamically so the plugin needs no generated code (buf runs
  // plugins in parallel, and a clean checkout has none yet).
  const ext = registry.getExtension(HTTP_RULE_EXTENSION);
  if (!ext) return [];
  const out = new Map<string, string>();
  for (const file of fileNames.map((n) => registry.getFile(n))) {
    for (const service of file?.services ?? []) {
      const doc = buildServiceDoc(service, ext);
      if (!doc) continue;
      const name = outputName(service);
      if (out.has(name)) throw new Error(`two services would both write ${name}`);
      out.set(name, `${JSON.stringify(doc, null, 2)}\n`);
    }
  }
  return [...out].map(([name, content]) => ({ name, content }));
}

function buildServiceDoc(service: DescService, ext: DescExtension) {
  const bound = service.methods.flatMap((m) => {
    const http = httpBinding(m, ext);
    return http ? [{ method: m, http }] : [];
  });
  if (bound.length === 0) return undefined;
  const defs = new Definitions(definitionNames(service.file));
  const paths: Record<string, Record<string, Operation>> = {};
  for (const { method, http } of bound) {
    const { path, params } = parsePath(http.path, method);
    const item = paths[path] ?? {};
    paths[path] = item;
    if (item[http.verb]) throw new Error(`${method.toString()}: ${http.verb.toUpperCase()} ${path} is bound twice`);
    item[http.verb] = buildOperation(method, http, params, defs);
  }
  const description = commentOf(service) || undefined;
  return {
    swagger: "2.0",
    info: { title: service.typeName, version: apiVersion(service.file), description },
    tags: [{ name: service.name, description }],
    consumes: ["application/json"],
    produces: ["application/json"],
    paths,
    definitions: defs.build(),
    securityDefinitions: {
      bearer: {
        type: "apiKey",
        name: "Authorization",
        in: "header",
        description: "Enter `Bearer <access token>` (the accessToken from Login)",
      },
    },
  };
}

/** Path variables become JSON (lowerCamelCase) names: our REST layer speaks JSON names. */
function parsePath(template: string, method: DescMethod): { path: string; params: DescField[] } {
  const params: DescField[] = [];
  const path = template.replace(/\{([^}=]+)(?:=[^}]*)?\}/g, (_, name: string) => {
    const field = method.input.fields.find((f) => f.name === name);
    if (!field) throw new Error(`${method.toString()}: path variable {${name}} is not a top-level field of ${method.input.typeName}`);
    params.push(field);
    return `{${field.jsonName}}`;
  });
  return { path, params };
}

function buildOperation(method: DescMethod, http: HttpBinding, pathFields: DescField[], defs: Definitions): Operation {
  const comment = commentOf(method);
  return {
    summary: summaryOf(comment) || undefined,
    description: comment || undefined,
    operationId: `${method.parent.name}_${method.name}`,
    responses: {
      "200": { description: "A successful response.", schema: messageRef(method.output, defs.ref) },
      default: { description: "An unexpected error response.", schema: { $ref: "#/definitions/rpcStatus" } },
    },
    parameters: buildParameters(method, http, pathFields, defs.ref),
    tags: [method.parent.name],
    security: requiresToken(comment) ? [{ bearer: [] }] : undefined,
  };
}

/** Path params first, then the body; every field left over becomes a query param (grpc-gateway's rule). */
function buildParameters(method: DescMethod, http: HttpBinding, pathFields: DescField[], ref: Ref): Parameter[] {
  const bound = new Set(pathFields.map((f) => f.name));
  const params = pathFields.map(pathParameter);
  if (http.body === "*") return [...params, wholeBodyParameter(method.input, bound, ref)];
  if (http.body !== "") {
    const field = method.input.fields.find((f) => f.name === http.body);
    if (!field) throw new Error(`${method.toString()}: body "${http.body}" is not a field of ${method.input.typeName}`);
    bound.add(field.name);
    params.push({ name: field.jsonName, in: "body", required: true, schema: fieldSchema(field, ref) });
  }
  const rest = method.input.fields.filter((f) => !bound.has(f.name));
  return [...params, ...rest.flatMap(queryParameter)];
}

function pathParameter(field: DescField): Parameter {
  const type = parameterType(field);
  if (!type || field.fieldKind === "list") throw new Error(`${field.toString()}: cannot be a path parameter`);
  return { name: field.jsonName, description: commentOf(field) || undefined, in: "path", required: true, ...type };
}

// Messages and maps cannot be query params in Swagger 2.0; grpc-gateway skips them too.
function queryParameter(field: DescField): Parameter[] {
  const type = parameterType(field);
  if (!type) return [];
  return [{ name: field.jsonName, description: commentOf(field) || undefined, in: "query", required: false, ...type }];
}

/** body "*": the request message itself, or an inline object of the fields the path does not bind. */
function wholeBodyParameter(input: DescMessage, bound: ReadonlySet<string>, ref: Ref): Parameter {
  const schema = bound.size === 0 ? messageRef(input, ref) : objectSchema(input, ref, bound);
  return { name: "body", in: "body", required: true, schema };
}

function parameterType(
  field: DescField,
): Pick<Parameter, "type" | "format" | "items" | "enum" | "default" | "collectionFormat"> | undefined {
  if (field.fieldKind === "map") return undefined;
  const item = primitiveSchema(field);
  if (!item) return undefined;
  return field.fieldKind === "list" ? { type: "array", items: item, collectionFormat: "multi" } : item;
}

// Non-body parameters cannot $ref a definition, so enums are inlined here.
function primitiveSchema(t: Typed): Schema | undefined {
  if (t.enum) return enumSchema(t.enum, false);
  if (t.scalar !== undefined) return scalarSchema(t.scalar);
  const wkt = t.message && WELL_KNOWN.get(t.message.typeName);
  return wkt?.type && wkt.type !== "object" ? { ...wkt } : undefined;
}

/** Collects the definitions that schemas refer to, building each once. */
class Definitions {
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
function definitionNames(file: DescFile): Map<string, string> {
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

function objectSchema(message: DescMessage, ref: Ref, skip: ReadonlySet<string>): Schema {
  const fields = message.fields.filter((f) => !skip.has(f.name));
  const properties = Object.fromEntries(fields.map((f) => [f.jsonName, fieldSchema(f, ref)]));
  return {
    type: "object",
    properties: fields.length > 0 ? properties : undefined,
    description: commentOf(message) || undefined,
  };
}

// proto3 `optional` only adds presence; the JSON shape is the same, so it is not special-cased.
function fieldSchema(field: DescField, ref: Ref): Schema {
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

function messageRef(message: DescMessage, ref: Ref): Schema {
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

/** <service>.swagger.json, <service> being the package segment before the version: library.book.v1 → book. */
function outputName(service: DescService): string {
  return `${serviceShortName(service)}.swagger.json`;
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
