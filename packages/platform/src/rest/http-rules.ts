import { type DescMethodUnary, type DescService, getOption, hasOption } from "@bufbuild/protobuf";
import { http } from "@lms/gen/google/api/annotations_pb";

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

const VARIABLE = /\{([^}=]+)(?:=[^}]*)?\}/g;

/** Every unary method of `services` that carries an http rule; the others stay gRPC-only. */
export function httpRoutesOf(services: DescService[]): HttpRoute[] {
  const routes: HttpRoute[] = [];
  for (const service of services) {
    for (const method of service.methods) {
      if (method.methodKind !== "unary") continue;
      if (!hasOption(method, http)) continue;
      const rule = getOption(method, http);
      const { case: verb, value } = rule.pattern;
      if (verb === undefined || verb === "custom") continue;
      const template = value;
      const pathFields = [...template.matchAll(VARIABLE)].map((m) => m[1]);
      routes.push({
        method: method as DescMethodUnary,
        verb: verb.toUpperCase() as HttpRoute["verb"],
        template,
        url: template.replace(VARIABLE, (_s, v: string) => `:${v.replace(/\./g, "_")}`),
        pathFields,
        body: rule.body,
        pattern: new RegExp(`^${template.replace(VARIABLE, "[^/]+")}/?$`),
      });
    }
  }
  return routes;
}
