import { checkAll, optionalUuid, trimmedText } from "@lms/platform";
import type { CategoryFields } from "./category.js";

/** One rule per writable field, each naming its field on failure. */
const FIELD_RULES: { [K in keyof CategoryFields]: (value: string) => string } = {
  name: (v) => trimmedText("name", v, 1, 100),
  description: (v) => trimmedText("description", v, 0, 2000),
  parentId: (v) => optionalUuid("parentId", v.trim()),
};

/** Validates the writable fields of a category; a failure names every invalid field at once. */
export function validateCategoryFields(input: CategoryFields): CategoryFields {
  return validateCategoryPatch(input) as CategoryFields;
}

/** Validates only the fields present in `patch` (an AIP-134 update), naming every invalid one at once. */
export function validateCategoryPatch(patch: Partial<CategoryFields>): Partial<CategoryFields> {
  const keys = (Object.keys(FIELD_RULES) as (keyof CategoryFields)[]).filter((k) => patch[k] !== undefined);
  return checkAll(Object.fromEntries(keys.map((k) => [k, () => FIELD_RULES[k](patch[k] ?? "")]))) as Partial<CategoryFields>;
}
