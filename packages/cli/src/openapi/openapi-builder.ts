// Builds OpenAPI 2.0 (Swagger) documents from proto descriptors, in the style
// of grpc-gateway's protoc-gen-openapiv2, for every service with
// google.api.http rules. Pure: descriptors in, file names and JSON text out,
// so it is unit-testable without running buf.

import type { DescField, DescMessage, DescMethod, DescService, FileRegistry } from "@bufbuild/protobuf";
import { IDEMPOTENCY_KEY_PARAMETER, isIdempotent, withIdempotencySentence } from "./idempotent-methods.js";
import {
  Definitions,
  definitionNames,
  fieldSchema,
  messageRef,
  objectSchema,
  primitiveSchema,
  type Ref,
  type Schema,
} from "./openapi2-schemas.js";
import { apiVersion, commentOf, methodDescription, serviceShortName, summaryOf } from "./proto-comments.js";
import { type BoundMethod, boundMethods, type Extensions, extensionsOf } from "./proto-http.js";
import type { GeneratedFile } from "./run-openapi-plugin.js";
import { successHeaderNotes, successStatus } from "./success-answer.js";

export type { Schema };
export { summaryOf };

interface Parameter extends Schema {
  name: string;
  in: "path" | "query" | "body" | "header";
  required: boolean;
  schema?: Schema;
  collectionFormat?: "multi";
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

interface Operation {
  summary?: string;
  description?: string;
  operationId: string;
  responses: Record<string, { description: string; schema: Schema; headers?: Record<string, { type: "string"; description: string }> }>;
  parameters: Parameter[];
  tags: string[];
  security?: Record<string, string[]>[];
}

/** One swagger file per service that has at least one google.api.http rule. */
export function buildOpenApiFiles(registry: FileRegistry, fileNames: readonly string[]): GeneratedFile[] {
  // Resolved dynamically so the plugin needs no generated code (buf runs
  // plugins in parallel, and a clean checkout has none yet).
  const ext = extensionsOf(registry);
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

function buildServiceDoc(service: DescService, ext: Extensions) {
  const bound = boundMethods(service, ext);
  if (bound.length === 0) return undefined;
  const defs = new Definitions(definitionNames(service.file));
  const paths: Record<string, Record<string, Operation>> = {};
  for (const b of bound) {
    const item = paths[b.path] ?? {};
    paths[b.path] = item;
    if (item[b.binding.verb]) throw new Error(`${b.method.toString()}: ${b.binding.verb.toUpperCase()} ${b.path} is bound twice`);
    item[b.binding.verb] = buildOperation(b, defs);
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

function buildOperation({ method, binding, rule, pathFields }: BoundMethod, defs: Definitions): Operation {
  const comment = commentOf(method);
  return {
    summary: summaryOf(comment) || undefined,
    description: methodDescription(withIdempotencySentence(comment, method.name), rule) || undefined,
    operationId: `${method.parent.name}_${method.name}`,
    responses: {
      [successStatus(method.name)]: {
        description: "A successful response.",
        schema: messageRef(method.output, defs.ref),
        headers: swaggerHeaders(successHeaderNotes(method.name)),
      },
      default: { description: "An unexpected error response.", schema: { $ref: "#/definitions/rpcStatus" } },
    },
    parameters: [...buildParameters(method, binding.body, pathFields, defs.ref), ...(isIdempotent(method.name) ? [IDEMPOTENCY_KEY] : [])],
    tags: [method.parent.name],
    // A lock in Swagger UI exactly where the access rule needs a token.
    security: rule === "anyone" ? undefined : [{ bearer: [] }],
  };
}

const IDEMPOTENCY_KEY: Parameter = {
  name: IDEMPOTENCY_KEY_PARAMETER.name,
  in: "header",
  required: false,
  type: "string",
  description: IDEMPOTENCY_KEY_PARAMETER.description,
  ...IDEMPOTENCY_KEY_PARAMETER.constraints,
};

/** Swagger 2.0 header objects; undefined when there are none. */
function swaggerHeaders(notes: Record<string, string>): Record<string, { type: "string"; description: string }> | undefined {
  const entries = Object.entries(notes);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([name, description]) => [name, { type: "string", description }]));
}

/** Path params first, then the body; every field left over becomes a query param (grpc-gateway's rule). */
function buildParameters(method: DescMethod, body: string, pathFields: DescField[], ref: Ref): Parameter[] {
  const bound = new Set(pathFields.map((f) => f.name));
  const params = pathFields.map(pathParameter);
  if (body === "*") return [...params, wholeBodyParameter(method.input, bound, ref)];
  if (body !== "") {
    const field = method.input.fields.find((f) => f.name === body);
    if (!field) throw new Error(`${method.toString()}: body "${body}" is not a field of ${method.input.typeName}`);
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

/** <service>.swagger.json, <service> being the package segment before the version: library.book.v1 → book. */
function outputName(service: DescService): string {
  return `${serviceShortName(service)}.swagger.json`;
}
