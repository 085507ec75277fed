// The error side of the OpenAPI 3.1 documents: which statuses each method can
// answer (DESIGN.md §3), their shared response objects, and the error body with
// its typed details.

import { isIdempotent } from "./idempotent-methods.js";
import type { JsonSchema } from "./openapi31-schemas.js";
import type { AccessRule } from "./proto-http.js";

/** What decides a method's error statuses. */
export interface ErrorFacts {
  method: string;
  /** The method's (library.access.v1.rule). */
  rule: AccessRule;
  /** The path names a resource (`{id}`), so an unknown one is 404. */
  hasPathResource: boolean;
}

// Methods whose answers the general rules do not predict, by method name.
const EXTRA: Readonly<Record<string, readonly string[]>> = {
  Register: ["409"], // email taken
  Login: ["429"], // failed logins are rate limited (Retry-After)
  CreateBook: ["404", "409"], // unknown author or category; ISBN taken
  UpdateBook: ["409", "412"], // ISBN taken; If-Match no longer matches
  PatchBook: ["409", "412"],
  DeleteBook: ["412"],
  CreateCategory: ["404", "409"], // unknown parent; name taken among siblings
  UpdateCategory: ["409", "412"], // name taken among siblings; If-Match no longer matches
  PatchCategory: ["409", "412"],
  DeleteCategory: ["412"],
  UpdateAuthor: ["412"], // If-Match no longer matches
  PatchAuthor: ["412"],
  DeleteAuthor: ["412"],
  UpdateUser: ["412"], // If-Match no longer matches
  UpdateCopy: ["412"], // If-Match no longer matches
  BulkAddItemToCategories: ["404"], // unknown category ids
  AddCopies: ["409"], // a barcode taken
};

/**
 * The error statuses of one method: 400 (validation), 401 (a bad token is refused even on
 * open methods) and 503 (a database or peer down) always; 403 whenever a token is needed (a
 * member method may refuse a member some variants, e.g. another user's loans: RULE_MEMBER);
 * 404 when the path names a resource; 409 when it takes an Idempotency-Key (its first request
 * still running); the rest from the table above.
 */
export function errorStatuses(f: ErrorFacts): string[] {
  const out = new Set(["400", "401", "503", ...(EXTRA[f.method] ?? [])]);
  if (f.rule !== "anyone") out.add("403");
  if (f.hasPathResource) out.add("404");
  if (isIdempotent(f.method)) out.add("409");
  return [...out].sort();
}

/** Response component name per error status. */
export const ERROR_RESPONSES: Readonly<Record<string, string>> = {
  "400": "BadRequest",
  "401": "Unauthenticated",
  "403": "PermissionDenied",
  "404": "NotFound",
  "409": "Conflict",
  "412": "PreconditionFailed",
  "429": "TooManyRequests",
  "503": "Unavailable",
};

const ERROR_TEXT: Readonly<Record<string, string>> = {
  "400": "Invalid argument (BadRequest names every invalid field) or a failed precondition (ErrorInfo gives the reason).",
  "401": "Missing, expired or invalid token, or wrong credentials.",
  "403": "The token is valid but its role may not do this.",
  "404": "No such resource.",
  "409": "Already exists, or a concurrent change won.",
  "412": "If-Match no longer matches the resource's ETag; nothing changed.",
  "429": "Too many attempts; retry after the Retry-After seconds.",
  "503": "A database or another service is unavailable.",
};

const ERROR_BODY = { "application/json": { schema: { $ref: "#/components/schemas/Error" } } };

/** `components.responses`: one shared response object per error status used in the document. */
export function errorResponses(statuses: ReadonlySet<string>): Record<string, JsonSchema> {
  const used = [...statuses].sort();
  return Object.fromEntries(
    used.map((s) => {
      const headers =
        s === "401"
          ? { "WWW-Authenticate": { description: "`Bearer`", schema: { type: "string" } } }
          : s === "429" || s === "503"
            ? { "Retry-After": { description: "Seconds to wait (when the service knows).", schema: { type: "integer" } } }
            : undefined;
      return [ERROR_RESPONSES[s], { description: ERROR_TEXT[s], headers, content: ERROR_BODY }];
    }),
  );
}

const TYPE_PREFIX = "type.googleapis.com/google.rpc.";

function detail(name: string, description: string, properties: JsonSchema, required: string[]): JsonSchema {
  return {
    type: "object",
    description,
    properties: { "@type": { type: "string", const: `${TYPE_PREFIX}${name}` }, ...properties },
    required: ["@type", ...required],
  };
}

/** The error body of DESIGN.md §3 and the detail messages it carries (google.rpc). */
export const ERROR_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  Error: {
    type: "object",
    description: "Every error answer: the gRPC status code and message, and typed details.",
    properties: {
      code: { type: "integer", format: "int32", description: "gRPC status code (DESIGN.md §3)." },
      message: { type: "string", description: "A human sentence." },
      details: {
        type: "array",
        items: {
          oneOf: ["ErrorInfo", "BadRequest", "RetryInfo"].map((n) => ({ $ref: `#/components/schemas/${n}` })),
          discriminator: {
            propertyName: "@type",
            mapping: Object.fromEntries(
              ["ErrorInfo", "BadRequest", "RetryInfo"].map((n) => [`${TYPE_PREFIX}${n}`, `#/components/schemas/${n}`]),
            ),
          },
        },
      },
    },
    required: ["code", "message", "details"],
  },
  ErrorInfo: detail(
    "ErrorInfo",
    "Why a request was refused, for clients to tell refusals apart.",
    {
      reason: { type: "string", description: "UPPER_SNAKE_CASE reason, e.g. NO_COPIES_AVAILABLE." },
      domain: { type: "string", description: "The service's proto package, e.g. library.book.v1." },
      metadata: { type: "object", additionalProperties: { type: "string" } },
    },
    ["reason", "domain", "metadata"],
  ),
  BadRequest: detail(
    "BadRequest",
    "Every invalid field of the request.",
    { fieldViolations: { type: "array", items: { $ref: "#/components/schemas/FieldViolation" } } },
    ["fieldViolations"],
  ),
  FieldViolation: {
    type: "object",
    properties: {
      field: { type: "string", description: "lowerCamelCase path of the field, e.g. categoryIds[0]." },
      description: { type: "string" },
    },
    required: ["field", "description"],
  },
  RetryInfo: detail(
    "RetryInfo",
    "When to try again.",
    { retryDelay: { type: "string", pattern: "^\\d+(\\.\\d+)?s$", description: "A duration such as 30s." } },
    [],
  ),
};
