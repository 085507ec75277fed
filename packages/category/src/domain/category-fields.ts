import { optionalUuid, trimmedText } from "@lms/platform";
import type { CategoryFields } from "./category.js";

/** Validates the writable fields of a category (names the field on failure). */
export function validateCategoryFields(input: CategoryFields): CategoryFields {
  return {
    name: trimmedText("name", input.name, 1, 100),
    description: trimmedText("description", input.description, 0, 2000),
    parentId: optionalUuid("parentId", input.parentId.trim()),
  };
}
