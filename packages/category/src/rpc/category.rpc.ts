import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  BatchGetItemCategoriesResponseSchema,
  BulkAddItemToCategoriesResponseSchema,
  type Category as CategoryMessage,
  CategorySchema,
  type CategoryService,
  DeleteCategoryResponseSchema,
  GetItemCategoriesResponseSchema,
  ItemCategoriesSchema,
  ListCategoriesResponseSchema,
  ListCategoryItemsResponseSchema,
  ListItemLinksResponseSchema,
  ListRelatedItemsResponseSchema,
  RemoveItemLinksResponseSchema,
  SetItemLinksResponseSchema,
  UpdateItemCategoriesResponseSchema,
  WatchItemLinksResponseSchema,
} from "@lms/gen/library/category/v1/category_pb";
import { ETAG_HEADER, IF_MATCH_HEADER, inTransaction, maskedFields, pickFields } from "@lms/platform";
import type pg from "pg";
import type { Category } from "../domain/category.js";
import * as categories from "../domain/category.service.js";
import * as itemLinks from "../domain/item-links.service.js";
import type { LinkLog } from "../domain/link-log.js";

/** Where REST finds what CreateCategory created (answered 201 with this `Location`). */
export const categoryLocations = { CreateCategory: "/api/v1/categories/{id}" } as const;

/** The fields PatchCategory may change, and the ones it ignores (AIP-134 / AIP-203). */
const CATEGORY_MASK = { writable: ["name", "description", "parent_id"], outputOnly: ["id", "created_at", "updated_at"] };

/** Answers `category` with its ETag (gRPC response metadata, REST header). */
function tagged(category: Category, ctx: HandlerContext): CategoryMessage {
  ctx.responseHeader.set(ETAG_HEADER, categories.categoryEtag(category));
  return toProto(category);
}

/** Domain category → proto message (the one mapping at this border). */
export function toProto(c: Category): CategoryMessage {
  return create(CategorySchema, {
    id: c.id,
    name: c.name,
    description: c.description,
    parentId: c.parentId,
    createdAt: timestampFromDate(c.createdAt),
    updatedAt: timestampFromDate(c.updatedAt),
  });
}

/** The one implementation of CategoryService, mounted on gRPC and REST alike. */
export function createCategoryRpc(pool: pg.Pool, log: LinkLog): ServiceImpl<typeof CategoryService> {
  return {
    async createCategory(req, ctx) {
      return tagged(await inTransaction(pool, (tx) => categories.createCategory(tx, req)), ctx);
    },
    async getCategory(req, ctx) {
      return tagged(await categories.getCategory(pool, req.id), ctx);
    },
    async updateCategory(req, ctx) {
      const ifMatch = ctx.requestHeader.get(IF_MATCH_HEADER);
      return tagged(await inTransaction(pool, (tx) => categories.updateCategory(tx, req.id, req, ifMatch)), ctx);
    },
    async patchCategory(req, ctx) {
      const names = maskedFields(CategorySchema, req.category, req.updateMask, CATEGORY_MASK);
      const patch = pickFields(req.category ?? create(CategorySchema), names);
      const ifMatch = ctx.requestHeader.get(IF_MATCH_HEADER);
      return tagged(await inTransaction(pool, (tx) => categories.patchCategory(tx, req.id, patch, ifMatch)), ctx);
    },
    async deleteCategory(req, ctx) {
      const ifMatch = ctx.requestHeader.get(IF_MATCH_HEADER);
      await inTransaction(pool, (tx) => categories.deleteCategory(tx, log, req.id, ifMatch));
      return create(DeleteCategoryResponseSchema);
    },
    async listCategories(req) {
      const page = await categories.listCategories(pool, req);
      return create(ListCategoriesResponseSchema, {
        categories: page.categories.map(toProto),
        nextPageToken: page.nextPageToken,
        totalSize: page.totalSize,
      });
    },
    async updateItemCategories(req) {
      const change = await inTransaction(pool, (tx) => itemLinks.updateItemCategories(tx, log, req.itemId, req.categoryIds));
      return create(UpdateItemCategoriesResponseSchema, change);
    },
    async bulkAddItemToCategories(req) {
      const added = await inTransaction(pool, (tx) => itemLinks.bulkAddItemToCategories(tx, log, req.itemId, req.categoryIds));
      return create(BulkAddItemToCategoriesResponseSchema, added);
    },
    async getItemCategories(req) {
      return create(GetItemCategoriesResponseSchema, { categories: (await itemLinks.getItemCategories(pool, req.itemId)).map(toProto) });
    },
    async listCategoryItems(req) {
      return create(ListCategoryItemsResponseSchema, await itemLinks.listCategoryItems(pool, req));
    },
    async batchGetItemCategories(req) {
      const items = await itemLinks.batchGetItemCategories(pool, req.itemIds);
      return create(BatchGetItemCategoriesResponseSchema, { items: items.map((i) => create(ItemCategoriesSchema, i)) });
    },
    async listRelatedItems(req) {
      const related = await itemLinks.listRelatedItems(pool, req.itemId, req.limit);
      return create(ListRelatedItemsResponseSchema, { items: related.map((r) => ({ itemId: r.itemId, sharedCategories: r.shared })) });
    },
    async listItemLinks(req) {
      const { items, nextPageToken, seq } = await itemLinks.listItemLinks(pool, req);
      return create(ListItemLinksResponseSchema, { items: items.map((i) => create(ItemCategoriesSchema, i)), nextPageToken, seq });
    },
    async removeItemLinks(req) {
      const removedCategoryIds = await inTransaction(pool, (tx) => itemLinks.removeItemLinks(tx, log, req.itemId));
      return create(RemoveItemLinksResponseSchema, { removedCategoryIds });
    },
    async setItemLinks(req, ctx) {
      const set = await inTransaction(pool, (tx) => itemLinks.setItemLinks(tx, log, req, ctx.signal));
      return create(SetItemLinksResponseSchema, set);
    },
    async *watchItemLinks(req, ctx) {
      for await (const batch of log.watch(req.afterSeq, ctx.signal)) yield create(WatchItemLinksResponseSchema, batch);
    },
  };
}
