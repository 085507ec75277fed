/** A node of the category tree as the domain sees it. */
export interface Category {
  id: string;
  name: string;
  description: string;
  /** UUID of the parent, or "" for a root category. */
  parentId: string;
  createdAt: Date;
  updatedAt: Date;
  /** `updated_at` in microseconds since the epoch (PostgreSQL's precision), the basis of the ETag. */
  version: string;
}

/** The writable fields of a category. */
export type CategoryFields = Pick<Category, "name" | "description" | "parentId">;

/** What an UpdateItemCategories call did to one item's set of categories (ids sorted). */
export interface ItemCategoriesChange {
  itemId: string;
  categoryIds: string[];
  addedCategoryIds: string[];
  removedCategoryIds: string[];
}

/** The category ids of one item (ids sorted). */
export interface ItemCategoryIds {
  itemId: string;
  categoryIds: string[];
}
