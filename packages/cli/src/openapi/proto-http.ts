// What both OpenAPI generators take from a method's google.api.http binding and its
// access rule, both read by the platform's shared readers (the same the services use).
import type { DescExtension, DescField, DescMethod, DescService, FileRegistry } from "@bufbuild/protobuf";
import { ACCESS_RULE_EXTENSION, type AccessRule, accessRulesOf } from "@lms/platform/auth/access-rule";
import { fillTemplate, HTTP_RULE_EXTENSION, type HttpBinding, httpBindingOf } from "@lms/platform/rest/http-rule";

export type { AccessRule, HttpBinding };

/** A method bound to REST, with its access rule and its path in the document. */
export interface BoundMethod {
  method: DescMethod;
  binding: HttpBinding;
  rule: AccessRule;
  /** The template with JSON (lowerCamelCase) variable names: our REST layer speaks JSON names. */
  path: string;
  /** The top-level request fields the path binds, in order. */
  pathFields: DescField[];
}

/** The two extensions, resolved from the plugin's request so the plugins need no generated code. */
export interface Extensions {
  http: DescExtension;
  rule: DescExtension;
}

/** The extensions from the registry; undefined when the protos declare no google.api.http. */
export function extensionsOf(registry: FileRegistry): Extensions | undefined {
  const http = registry.getExtension(HTTP_RULE_EXTENSION);
  if (!http) return undefined;
  const rule = registry.getExtension(ACCESS_RULE_EXTENSION);
  if (!rule) throw new Error(`the protos declare ${HTTP_RULE_EXTENSION} but not ${ACCESS_RULE_EXTENSION}`);
  return { http, rule };
}

/**
 * The REST-bound methods of `service`, in declaration order; none for a service without
 * bindings (health, reflection). Throws when any method of a bound service declares no access
 * rule, or a `service` method is bound: the documents never guess.
 */
export function boundMethods(service: DescService, ext: Extensions): BoundMethod[] {
  const bound = service.methods.flatMap((method) => {
    const binding = httpBindingOf(method, ext.http);
    return binding ? [{ method, binding }] : [];
  });
  if (bound.length === 0) return [];
  const rules = accessRulesOf([service], ext.rule, ext.http);
  return bound.map(({ method, binding }) => {
    const rule = rules.get(`${service.typeName}/${method.name}`);
    if (!rule) throw new Error(`${method.toString()}: no access rule`);
    return { method, binding, rule, ...documentPath(method, binding) };
  });
}

function documentPath(method: DescMethod, binding: HttpBinding): { path: string; pathFields: DescField[] } {
  const pathFields: DescField[] = [];
  const path = fillTemplate(binding.template, (name) => {
    const field = method.input.fields.find((f) => f.name === name);
    if (!field) throw new Error(`${method.toString()}: path variable {${name}} is not a top-level field of ${method.input.typeName}`);
    pathFields.push(field);
    return `{${field.jsonName}}`;
  });
  return { path, pathFields };
}
