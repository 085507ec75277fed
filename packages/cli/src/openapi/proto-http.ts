// The google.api.http rule of a method, read from the descriptors. Shared by the
// OpenAPI 2.0 and 3.1 generators, so both see the same bindings.
import { type DescExtension, type DescMethod, getOption, hasOption } from "@bufbuild/protobuf";

/** One REST binding of a method. */
export interface HttpBinding {
  verb: "get" | "put" | "post" | "delete" | "patch";
  path: string;
  body: string;
}

/** The extension's full name; resolved from the request so plugins need no generated code. */
export const HTTP_RULE_EXTENSION = "google.api.http";

const VERBS: readonly string[] = ["get", "put", "post", "delete", "patch"];

/** The method's binding, or undefined when it has no google.api.http rule (gRPC only). */
export function httpBinding(method: DescMethod, ext: DescExtension): HttpBinding | undefined {
  if (!hasOption(method, ext)) return undefined;
  const rule: unknown = getOption(method, ext);
  if (!isHttpRule(rule)) throw new Error(`${method.toString()}: unreadable google.api.http option`);
  const verb = rule.pattern.case;
  if (!isVerb(verb) || typeof rule.pattern.value !== "string") {
    throw new Error(`${method.toString()}: http pattern "${verb}" is not supported`);
  }
  // Failing loudly beats silently leaving a binding out of the docs.
  if (rule.additionalBindings.length > 0) throw new Error(`${method.toString()}: additional_bindings are not supported`);
  return { verb, path: rule.pattern.value, body: rule.body };
}

interface HttpRuleShape {
  pattern: { case: unknown; value: unknown };
  body: string;
  additionalBindings: unknown[];
}

// The option value is a dynamic message (typed unknown), so check its shape.
function isHttpRule(v: unknown): v is HttpRuleShape {
  if (typeof v !== "object" || v === null) return false;
  if (!("pattern" in v) || !("body" in v) || !("additionalBindings" in v)) return false;
  const p = v.pattern;
  return typeof p === "object" && p !== null && "case" in p && typeof v.body === "string" && Array.isArray(v.additionalBindings);
}

function isVerb(v: unknown): v is HttpBinding["verb"] {
  return typeof v === "string" && VERBS.includes(v);
}
