import { type DescMessage, isFieldSet, type MessageShape } from "@bufbuild/protobuf";
import type { FieldMask } from "@bufbuild/protobuf/wkt";
import { invalidArgument } from "../errors/errors.js";

/** How a resource's fields take part in an update mask. */
export interface MaskRules {
  /** Proto names of the fields a PATCH may change, e.g. `birth_date`. */
  writable: readonly string[];
  /** Proto names of output-only fields (`id`, `created_at`, …): named in a mask, they are ignored (AIP-203). */
  outputOnly: readonly string[];
}

/**
 * The writable fields an AIP-134 update changes, as the message's local (camelCase) names:
 * the mask's paths when given (`*` alone: every writable field); when absent, every writable
 * field populated in `resource` (AIP-134's implied mask; the REST face fills the mask from the
 * keys of the JSON body instead, so `""` can clear a field there). A path naming no field of
 * the resource, or a nested path, is INVALID_ARGUMENT naming `updateMask`.
 */
export function maskedFields<Desc extends DescMessage>(
  schema: Desc,
  resource: MessageShape<Desc> | undefined,
  mask: FieldMask | undefined,
  rules: MaskRules,
): string[] {
  const writable = rules.writable.map((name) => {
    const field = schema.fields.find((f) => f.name === name);
    if (!field) throw new Error(`${schema.typeName} has no field ${name}`);
    return field;
  });
  if (!mask) return resource ? writable.filter((f) => isFieldSet(resource, f)).map((f) => f.localName) : [];
  if (mask.paths.length === 1 && mask.paths[0] === "*") return writable.map((f) => f.localName);
  const chosen = new Set<string>();
  for (const path of mask.paths) {
    if (rules.outputOnly.includes(path)) continue;
    const field = writable.find((f) => f.name === path);
    if (!field) throw invalidArgument("updateMask", `${JSON.stringify(path)} is not a writable field of ${schema.name}`);
    chosen.add(field.localName);
  }
  return writable.filter((f) => chosen.has(f.localName)).map((f) => f.localName);
}

/** The entries of `source` named in `keys` (the patch an update mask selects). */
export function pickFields<T extends object>(source: T, keys: readonly string[]): Partial<T> {
  const out: Partial<T> = {};
  for (const key of keys as (keyof T)[]) out[key] = source[key];
  return out;
}
