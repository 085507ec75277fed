// One OpenAPI 3.1 operation from a method and its google.api.http binding:
// parameters, request body (with its example), the success answer and the
// error answers the method can give.
import type { DescField, DescMethod } from "@bufbuild/protobuf";
import { IDEMPOTENCY_KEY_PARAMETER, isIdempotent, withIdempotencySentence } from "./idempotent-methods.js";
import { ERROR_RESPONSES, errorStatuses } from "./openapi31-errors.js";
import type { ComponentSchemas, JsonSchema } from "./openapi31-schemas.js";
import { commentOf, exampleOf, methodDescription, summaryOf } from "./proto-comments.js";
import type { BoundMethod, HttpBinding } from "./proto-http.js";
import { IF_MATCH_METHODS, successHeaderNotes, successStatus } from "./success-answer.js";

/** An operation object (loose: this module is its only writer). */
export type Operation = { [key: string]: unknown };

/** The operation, and the error statuses it refers to (for components.responses). */
export function buildOperation(
  { method, binding, rule, pathFields }: BoundMethod,
  schemas: ComponentSchemas,
): {
  operation: Operation;
  errorStatuses: string[];
} {
  const comment = commentOf(method);
  const errors = errorStatuses({ method: method.name, rule, hasPathResource: pathFields.length > 0 });
  const success = successStatus(method.name);
  const responses: Record<string, unknown> = {
    [success]: {
      description: success === "201" ? "Created." : "OK.",
      headers: successHeaders(method.name),
      content: { "application/json": { schema: schemas.ref(method.output, "output") } },
    },
  };
  for (const s of errors) responses[s] = { $ref: `#/components/responses/${ERROR_RESPONSES[s]}` };
  const operation: Operation = {
    operationId: `${method.parent.name}_${method.name}`,
    summary: summaryOf(comment) || undefined,
    description: methodDescription(withIdempotencySentence(comment, method.name), rule) || undefined,
    tags: [method.parent.name],
    security: rule === "anyone" ? undefined : [{ bearer: [] }],
    parameters: [
      ...parameters(method, binding, pathFields, schemas),
      ...(IF_MATCH_METHODS.test(method.name) ? [IF_MATCH] : []),
      ...(isIdempotent(method.name) ? [IDEMPOTENCY_KEY] : []),
    ],
    requestBody: requestBody(method, binding, pathFields, schemas),
    responses,
  };
  return { operation, errorStatuses: errors };
}

const IF_MATCH = {
  name: "If-Match",
  in: "header",
  required: false,
  description: "The ETag the change is based on; when it no longer matches, 412 and nothing changes.",
  schema: { type: "string" },
};

const IDEMPOTENCY_KEY = {
  name: IDEMPOTENCY_KEY_PARAMETER.name,
  in: "header",
  required: false,
  description: IDEMPOTENCY_KEY_PARAMETER.description,
  schema: { type: "string", ...IDEMPOTENCY_KEY_PARAMETER.constraints },
};

/** {@link successHeaderNotes} as OpenAPI 3.1 header objects; undefined when there are none. */
function successHeaders(method: string): Record<string, unknown> | undefined {
  const entries = Object.entries(successHeaderNotes(method));
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([name, description]) => [name, { description, schema: { type: "string" } }]));
}

/** Path params, then every field neither the path nor the body binds as a query param (grpc-gateway's rule). */
function parameters(method: DescMethod, binding: HttpBinding, pathFields: DescField[], schemas: ComponentSchemas): JsonSchema[] {
  const path = pathFields.map((f) => {
    if (f.fieldKind !== "scalar" && f.fieldKind !== "enum") throw new Error(`${f.toString()}: cannot be a path parameter`);
    const schema = schemas.fieldSchema(f, "input");
    const uuid = /^UUID\b/.test(commentOf(f)) ? { format: "uuid" } : {};
    return {
      name: f.jsonName,
      in: "path",
      required: true,
      description: commentOf(f) || undefined,
      schema: { ...schema, ...uuid, description: undefined },
    };
  });
  if (binding.body === "*") return path;
  const bound = new Set([...pathFields.map((f) => f.name), binding.body]);
  const query = method.input.fields
    .filter((f) => !bound.has(f.name) && isQueryable(f))
    .map((f) => ({
      name: f.jsonName,
      in: "query",
      required: schemas.isRequired(f),
      description: commentOf(f) || undefined,
      schema: { ...schemas.fieldSchema(f, "input"), description: undefined },
      explode: f.fieldKind === "list" ? true : undefined,
    }));
  return [...path, ...query];
}

// Messages and maps cannot travel in a query string (grpc-gateway skips them too).
function isQueryable(f: DescField): boolean {
  // A field mask travels as one string (`?updateMask=a,b`), as grpc-gateway takes it.
  if (f.fieldKind === "message" && f.message.typeName === "google.protobuf.FieldMask") return true;
  return f.fieldKind === "scalar" || f.fieldKind === "enum" || (f.fieldKind === "list" && f.listKind !== "message");
}

/** The body: the request minus path fields (`*`) or one field of it; every write carries an example. */
function requestBody(method: DescMethod, binding: HttpBinding, pathFields: DescField[], schemas: ComponentSchemas): JsonSchema | undefined {
  if (binding.body === "") return undefined;
  let schema: JsonSchema;
  if (binding.body === "*") {
    const skip = new Set(pathFields.map((f) => f.name));
    schema = skip.size === 0 ? schemas.ref(method.input, "input") : schemas.objectSchema(method.input, "input", skip);
  } else {
    const field = method.input.fields.find((f) => f.name === binding.body);
    if (!field) throw new Error(`${method.toString()}: body "${binding.body}" is not a field of ${method.input.typeName}`);
    schema = schemas.fieldSchema(field, "input");
  }
  const example = exampleOf(method.input);
  if (example === undefined)
    throw new Error(`${method.toString()}: a write needs an "Example:" body in the comment of ${method.input.typeName}`);
  checkExampleKeys(method, binding, pathFields, example);
  // A body of optional fields only (e.g. BorrowBook's `{userId?}`) may be left out, as the service allows.
  const bodyFields = binding.body === "*" ? method.input.fields.filter((f) => !pathFields.includes(f)) : [];
  const required = binding.body !== "*" || bodyFields.some((f) => schemas.isRequired(f));
  return { required, content: { "application/json": { schema, example } } };
}

/** An example naming a field the body does not have would mislead every reader of the document. */
function checkExampleKeys(method: DescMethod, binding: HttpBinding, pathFields: DescField[], example: unknown): void {
  if (binding.body !== "*") return;
  if (typeof example !== "object" || example === null || Array.isArray(example))
    throw new Error(`${method.toString()}: Example: must be a JSON object`);
  const allowed = new Set(method.input.fields.filter((f) => !pathFields.includes(f)).map((f) => f.jsonName));
  const stray = Object.keys(example).filter((k) => !allowed.has(k));
  if (stray.length > 0) throw new Error(`${method.toString()}: Example: names ${stray.join(", ")}, not fields of its body`);
}
