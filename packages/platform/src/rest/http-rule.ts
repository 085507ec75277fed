// The one reader of `google.api.http` rules and their path templates, shared by the REST
// transcoder (rest/http-rules.ts) and the OpenAPI generators (packages/cli/src/openapi/).
// Imports no generated code: the protoc plugins pass an extension resolved from their request.
import { type DescExtension, type DescMethod, getOption, hasOption } from "@bufbuild/protobuf";

/** The verbs a binding may use (google.api.HttpRule's pattern, minus `custom`). */
export type HttpVerb = "get" | "put" | "post" | "delete" | "patch";

/** One REST binding of a method, as its rule declares it. */
export interface HttpBinding {
  verb: HttpVerb;
  /** The proto template, e.g. `/api/v1/items/{item_id}/categories`. */
  template: string;
  /** Field paths bound from the path (`item_id`, or `book.id`), in order. */
  pathFields: string[];
  /** "" (no body), "*" (the whole message) or a field name. */
  body: string;
}

/** The extension's full name, for code that resolves it from a registry (the protoc plugins). */
export const HTTP_RULE_EXTENSION = "google.api.http";

const VERBS: readonly string[] = ["get", "put", "post", "delete", "patch"];

/** `{name}` or `{name=segments}`: the variable's field path is group 1 (the segment pattern is not used). */
const VARIABLE = /\{([^}=]+)(?:=[^}]*)?\}/g;

/**
 * The method's binding through `ext` (the generated `http` extension or one resolved from a
 * registry); undefined when it has no rule (gRPC only). Throws on what neither the transcoder
 * nor the documents support (custom verbs, additional_bindings, streaming methods), so a rule
 * never silently goes missing from either.
 */
export function httpBindingOf(method: DescMethod, ext: DescExtension): HttpBinding | undefined {
  if (!hasOption(method, ext)) return undefined;
  const rule: unknown = getOption(method, ext);
  if (!isHttpRule(rule)) throw new Error(`${method.toString()}: unreadable google.api.http option`);
  const verb = rule.pattern.case;
  const template = rule.pattern.value;
  if (!isVerb(verb) || typeof template !== "string")
    throw new Error(`${method.toString()}: http pattern "${String(verb)}" is not supported`);
  if (rule.additionalBindings.length > 0) throw new Error(`${method.toString()}: additional_bindings are not supported`);
  if (method.methodKind !== "unary") throw new Error(`${method.toString()}: only unary methods can have a google.api.http rule`);
  return { verb, template, pathFields: [...template.matchAll(VARIABLE)].map((m) => m[1]), body: rule.body };
}

/** The template with each variable replaced by `replace(field path)`; literal text is kept. */
export function fillTemplate(template: string, replace: (fieldPath: string) => string): string {
  return template.replace(VARIABLE, (_s, field: string) => replace(field));
}

/** Matches concrete paths of the template (one segment per variable, an optional trailing slash). */
export function templatePattern(template: string): RegExp {
  const parts = template.split(VARIABLE);
  // split keeps the captured field paths at odd indexes; the literal text sits at even ones.
  const source = parts.map((part, i) => (i % 2 === 1 ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("");
  return new RegExp(`^${source}/?$`);
}

interface HttpRuleShape {
  pattern: { case: unknown; value: unknown };
  body: string;
  additionalBindings: unknown[];
}

// Through a registry the option value is a dynamic message (typed unknown), so check its shape.
function isHttpRule(v: unknown): v is HttpRuleShape {
  if (typeof v !== "object" || v === null) return false;
  if (!("pattern" in v) || !("body" in v) || !("additionalBindings" in v)) return false;
  const p = v.pattern;
  return typeof p === "object" && p !== null && "case" in p && typeof v.body === "string" && Array.isArray(v.additionalBindings);
}

function isVerb(v: unknown): v is HttpVerb {
  return typeof v === "string" && VERBS.includes(v);
}
