import {
  alreadyExists,
  checkAll,
  decodePageToken,
  type Executor,
  encodePageToken,
  etagOf,
  failedPrecondition,
  invalidArgument,
  isUniqueViolation,
  notFound,
  optionalUuid,
  pageSizeOf,
  requireIfMatch,
  requireUuid,
  type Transaction,
} from "@lms/platform";
import * as repo from "../store/category.repository.js";
import { unlinkCategory } from "../store/item-link.repository.js";
import type { Category, CategoryFields } from "./category.js";
import { validateCategoryFields, validateCategoryPatch } from "./category-fields.js";
import type { LinkLog } from "./link-log.js";
import { nameCursorOf } from "./page-cursor.js";

/** Adds a category; its parent (if any) must exist and cannot vanish while the child is made. */
export async function createCategory(tx: Transaction, input: CategoryFields): Promise<Category> {
  const fields = validateCategoryFields(input);
  if (fields.parentId) await requireParent(tx, fields.parentId);
  return repo.insertCategory(tx, fields).catch(duplicateNameAsConflict(fields.name));
}

export async function getCategory(db: Executor, id: string): Promise<Category> {
  const category = await repo.findCategory(db, requireUuid("id", id));
  if (!category) throw notFound("category", id);
  return category;
}

/** The ETag of this version of the category. */
export function categoryEtag(category: Category): string {
  return etagOf(category.id, category.version);
}

/** Replaces the writable fields (see `writeCategory`). */
export async function updateCategory(tx: Transaction, id: string, input: CategoryFields, ifMatch?: string | null): Promise<Category> {
  const { checkedId, fields } = checkAll({ checkedId: () => requireUuid("id", id), fields: () => validateCategoryFields(input) });
  return writeCategory(tx, checkedId, fields, ifMatch);
}

/** Changes only the fields in `patch` (AIP-134), validating only those (see `writeCategory`). */
export async function patchCategory(
  tx: Transaction,
  id: string,
  patch: Partial<CategoryFields>,
  ifMatch?: string | null,
): Promise<Category> {
  const { checkedId, fields } = checkAll({ checkedId: () => requireUuid("id", id), fields: () => validateCategoryPatch(patch) });
  return writeCategory(tx, checkedId, fields, ifMatch);
}

/**
 * Writes `patch` over the locked row, after checking `ifMatch` (the client's `If-Match`) against
 * its current ETag. Giving a parent is a (possible) move: moves take turns on the tree lock
 * (taken before the row, as every move does) and refuse a parent that is the category itself or
 * one of its descendants, so no interleaving of moves can close a cycle. Moving to the root can
 * never make one.
 */
async function writeCategory(tx: Transaction, id: string, patch: Partial<CategoryFields>, ifMatch: string | null | undefined) {
  if (patch.parentId === id) throw invalidArgument("parentId", "a category cannot be its own parent");
  if (patch.parentId) await repo.lockTreeForMove(tx);
  const current = await repo.lockCategory(tx, id);
  if (!current) throw notFound("category", id);
  requireIfMatch(ifMatch, categoryEtag(current), `category ${id}`);
  const fields = { name: current.name, description: current.description, parentId: current.parentId, ...patch };
  if (patch.parentId) {
    await requireParent(tx, patch.parentId);
    if (await repo.isSelfOrAncestor(tx, id, patch.parentId)) {
      throw invalidArgument("parentId", "is a descendant of the category: a category cannot become its own ancestor");
    }
  }
  const updated = await repo.updateCategory(tx, id, fields).catch(duplicateNameAsConflict(fields.name));
  if (!updated) throw notFound("category", id);
  return updated;
}

/**
 * Deletes a category and its item links, unless it has children. The row is locked first, so no
 * child or link can be added between the check and the delete; the items that lost a link go to
 * the link change log.
 */
export async function deleteCategory(tx: Transaction, log: LinkLog, id: string, ifMatch?: string | null): Promise<void> {
  const checkedId = requireUuid("id", id);
  await log.changeLinks(tx, async () => {
    const current = await repo.lockCategory(tx, checkedId);
    if (!current) throw notFound("category", id);
    requireIfMatch(ifMatch, categoryEtag(current), `category ${id}`);
    const children = await repo.countChildren(tx, checkedId);
    if (children > 0) {
      throw failedPrecondition(
        "CATEGORY_HAS_CHILDREN",
        `category ${checkedId} has ${children} child categor${children === 1 ? "y" : "ies"}`,
        {
          categoryId: checkedId,
          childCount: String(children),
        },
      );
    }
    // Unlinked explicitly rather than by the cascade, to learn which items lost a link.
    const changedItems = await unlinkCategory(tx, checkedId);
    await repo.deleteCategory(tx, checkedId);
    return { result: undefined, changedItems };
  });
}

/** One page of categories by name; `q` searches the name, `parentId` keeps direct children only. */
export async function listCategories(db: Executor, req: { pageSize: number; pageToken: string; q: string; parentId: string }) {
  const limit = pageSizeOf(req.pageSize);
  const q = req.q.trim();
  const parentId = optionalUuid("parentId", req.parentId.trim());
  const filter = `categories:${parentId}:${q.toLowerCase()}`;
  const after = nameCursorOf(decodePageToken(req.pageToken, filter));
  const { rows, total } = await repo.listCategories(db, { q, parentId, after, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextPageToken = rows.length > limit && last ? encodePageToken(last.sortKey, filter) : "";
  return { categories: page.map((r) => r.category), nextPageToken, totalSize: total };
}

/** The parent must exist; it is kept from deletion until the transaction ends. */
async function requireParent(tx: Executor, parentId: string): Promise<void> {
  if (!(await repo.lockCategoryAgainstDelete(tx, parentId))) throw notFound("parent category", parentId);
}

/** Turns the sibling-name unique violation into ALREADY_EXISTS; anything else passes through. */
function duplicateNameAsConflict(name: string) {
  return (err: unknown): never => {
    if (isUniqueViolation(err, repo.SIBLING_NAME_KEY)) {
      throw alreadyExists(`a category named "${name}" already exists among its siblings`);
    }
    throw err;
  };
}
