import type { DescMethodUnary, DescService } from "@bufbuild/protobuf";
import { http } from "@lms/gen/google/api/annotations_pb";
import { fillTemplate, httpBindingOf, templatePattern } from "./http-rule.js";

/** One REST route derived from a method's `google.api.http` annotation. */
export interface HttpRoute {
  method: DescMethodUnary;
  verb: "GET" | "PUT" | "POST" | "DELETE" | "PATCH";
  /** The proto template, e.g. `/api/v1/items/{item_id}/categories`. */
  template: string;
  /** The Fastify path, e.g. `/api/v1/items/:item_id/categories`. */
  url: string;
  /** Field names bound from the path, in order. */
  pathFields: string[];
  /** "" (no body), "*" (whole message) or a field name. */
  body: string;
  /** Matches a concrete path against the template (for 405 detection). */
  pattern: RegExp;
}

/** Every method of `services` that carries an http rule (read by `rest/http-rule.ts`); the others stay gRPC-only. */
export function httpRoutesOf(services: DescService[]): HttpRoute[] {
  const routes: HttpRoute[] = [];
  for (const service of services) {
    for (const method of service.methods) {
      const binding = httpBindingOf(method, http);
      if (!binding) continue;
      routes.push({
        // httpBindingOf refuses a rule on any other kind of method.
        method: method as DescMethodUnary,
        verb: binding.verb.toUpperCase() as HttpRoute["verb"],
        template: binding.template,
        url: fillTemplate(binding.template, (field) => `:${field.replace(/\./g, "_")}`),
        pathFields: binding.pathFields,
        body: binding.body,
        pattern: templatePattern(binding.template),
      });
    }
  }
  return routes;
}
