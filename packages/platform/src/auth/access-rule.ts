// Reads a method's `(library.access.v1.rule)` option. Imports no generated code, so the
// protoc plugins (which must run before any code is generated) share it with the interceptor.
import { type DescExtension, type DescMethod, type DescService, getOption, hasOption } from "@bufbuild/protobuf";

/** Who may call a method (DESIGN.md §5): `service` methods have no REST route and need only the server key. */
export type AccessRule = "anyone" | "member" | "librarian" | "admin" | "service";

/** The option's full name, for code that resolves it from a registry (the protoc plugins). */
export const ACCESS_RULE_EXTENSION = "library.access.v1.rule";

const RULES: Readonly<Record<string, AccessRule>> = {
  RULE_ANYONE: "anyone",
  RULE_MEMBER: "member",
  RULE_LIBRARIAN: "librarian",
  RULE_ADMIN: "admin",
  RULE_SERVICE: "service",
};

/**
 * The rule `method` declares through `ext` (the generated `rule` extension or one resolved from a
 * registry); undefined when it declares none, RULE_UNSPECIFIED, or a value this code does not know.
 */
export function accessRuleOf(method: DescMethod, ext: DescExtension): AccessRule | undefined {
  if (ext.fieldKind !== "enum") throw new Error(`${ext.typeName} is not an enum option`);
  if (!hasOption(method, ext)) return undefined;
  const value: unknown = getOption(method, ext);
  if (typeof value !== "number") return undefined;
  const name = ext.enum.value[value]?.name;
  return name === undefined ? undefined : RULES[name];
}

/**
 * Every method of `services` with its rule, keyed `<service type name>/<method name>`. Throws,
 * naming each one, when a method declares no rule (a service must not start with a method nobody
 * decided about) or, given the `google.api.http` extension, when a `service` method has a REST
 * binding (the REST face calls with the server key, so the route would open it to anyone).
 */
export function accessRulesOf(
  services: readonly DescService[],
  ruleExt: DescExtension,
  httpExt?: DescExtension,
): ReadonlyMap<string, AccessRule> {
  const rules = new Map<string, AccessRule>();
  const missing: string[] = [];
  for (const service of services) {
    for (const method of service.methods) {
      const key = `${service.typeName}/${method.name}`;
      const rule = accessRuleOf(method, ruleExt);
      if (!rule) missing.push(key);
      else if (rule === "service" && httpExt && hasOption(method, httpExt))
        throw new Error(`${key}: a RULE_SERVICE method cannot have a REST binding`);
      else rules.set(key, rule);
    }
  }
  if (missing.length > 0) throw new Error(`no (library.access.v1.rule) option on: ${missing.join(", ")}`);
  return rules;
}
