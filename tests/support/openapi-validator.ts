// Validators for the operations of an OpenAPI 3.1 document, the way a client
// generator's users check answers: ajv with the 2020-12 dialect OpenAPI 3.1
// uses, ajv-formats, and OpenAPI's numeric formats. Used by the document spec
// (examples, error bodies) and by the e2e spec that checks real answers.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

type Json = { [key: string]: unknown };

/** The parts of an OpenAPI 3.1 document these validators read. */
export interface OpenApiDocument {
  openapi: string;
  servers?: { url: string }[];
  paths: Record<string, Record<string, Json>>;
  components?: { schemas?: Json; responses?: Record<string, Json>; securitySchemes?: Record<string, Json> };
}

/** One operation: its identity, example body, and validators ("" = valid, else ajv's errors). */
export interface OperationCheck {
  operationId: string;
  verb: string;
  path: string;
  hasBody: boolean;
  example: unknown;
  statuses: string[];
  validateRequest(body: unknown): string;
  validateResponse(status: string, body: unknown): string;
}

const BASE = "https://lms.invalid/openapi.json";

const INT_RANGES: Record<string, [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
};

function newAjv(doc: OpenApiDocument): Ajv2020 {
  // strict off: OpenAPI adds keywords (discriminator, example) that are not JSON Schema's.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  for (const [name, [min, max]] of Object.entries(INT_RANGES)) {
    ajv.addFormat(name, { type: "number", validate: (n: number) => Number.isInteger(n) && n >= min && n <= max });
  }
  for (const name of ["int64", "uint64"]) ajv.addFormat(name, { type: "string", validate: (s: string) => /^-?\d+$/.test(s) });
  ajv.addFormat("double", { type: "number", validate: () => true });
  ajv.addFormat("float", { type: "number", validate: () => true });
  ajv.addFormat("byte", { type: "string", validate: (s: string) => /^[A-Za-z0-9+/_-]*={0,2}$/.test(s) });
  ajv.addSchema({ $id: BASE, components: { schemas: doc.components?.schemas ?? {} } });
  return ajv;
}

/** Local `#/components/...` refs made absolute, so a schema compiles on its own. */
function absolute(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(absolute);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `${BASE}${v}` : absolute(v)]),
  );
}

function jsonSchemaOf(content: unknown): Json | undefined {
  const media = (content as Record<string, { schema?: Json }> | undefined)?.["application/json"];
  return media?.schema;
}

function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ");
}

/** Every operation of `doc` with compiled request and response validators. */
export function compileOperationSchemas(doc: OpenApiDocument): OperationCheck[] {
  const ajv = newAjv(doc);
  const compile = (schema: Json | undefined) => (schema ? ajv.compile(absolute(schema) as Json) : undefined);
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([verb, op]) => {
      const body = (op.requestBody as { content?: Record<string, { schema?: Json; example?: unknown }> } | undefined)?.content;
      const request = compile(jsonSchemaOf(body));
      const responses = op.responses as Record<string, Json>;
      const validators = new Map(
        Object.entries(responses).map(([status, response]) => {
          const ref = typeof response.$ref === "string" ? response.$ref.split("/").at(-1) : undefined;
          const resolved = ref ? doc.components?.responses?.[ref] : response;
          return [status, compile(jsonSchemaOf(resolved?.content))];
        }),
      );
      const run = (validate: ValidateFunction | undefined, value: unknown, what: string) => {
        if (!validate) return `${what}: no schema`;
        return validate(value) ? "" : describeErrors(validate);
      };
      return {
        operationId: String(op.operationId),
        verb,
        path,
        hasBody: body !== undefined,
        example: body?.["application/json"]?.example,
        statuses: Object.keys(responses),
        validateRequest: (value: unknown) => run(request, value, "request"),
        validateResponse: (status: string, value: unknown) => run(validators.get(status), value, `response ${status}`),
      };
    }),
  );
}
