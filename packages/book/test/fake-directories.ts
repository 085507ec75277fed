import { randomUUID } from "node:crypto";
import { notFound, unavailable } from "@lms/platform";
import type { AuthorDirectory, CategoryDirectory } from "../src/domain/ports.js";

/** An in-memory author service: `known` authors exist; `down` makes every call UNAVAILABLE. */
export class FakeAuthors implements AuthorDirectory {
  readonly known = new Set<string>();
  down = false;

  /** A new existing author's id. */
  add(): string {
    const id = randomUUID();
    this.known.add(id);
    return id;
  }

  async existingAuthorIds(ids: string[]): Promise<Set<string>> {
    if (this.down) throw unavailable("author service unavailable");
    return new Set(ids.filter((id) => this.known.has(id)));
  }
}

type CategoryMethod = "categoriesOf" | "itemsInCategories" | "replaceItemCategories" | "removeItemLinks" | "relatedItems";

/**
 * An in-memory category service: `known` categories exist, `links` holds each item's sorted set.
 * It refuses unknown categories like the real one (NOT_FOUND, nothing changed), answers
 * UNAVAILABLE while `down`, and counts calls per method.
 */
export class FakeCategories implements CategoryDirectory {
  readonly known = new Set<string>();
  readonly links = new Map<string, string[]>();
  readonly calls: Record<CategoryMethod, number> = {
    categoriesOf: 0,
    itemsInCategories: 0,
    replaceItemCategories: 0,
    removeItemLinks: 0,
    relatedItems: 0,
  };
  readonly bearers: string[] = [];
  down = false;

  /** A new existing category's id. */
  add(): string {
    const id = randomUUID();
    this.known.add(id);
    return id;
  }

  linksOf(itemId: string): string[] {
    return this.links.get(itemId) ?? [];
  }

  async categoriesOf(itemIds: string[]): Promise<Map<string, string[]>> {
    this.enter("categoriesOf");
    return new Map(itemIds.map((id) => [id, this.linksOf(id)]));
  }

  async itemsInCategories(categoryIds: string[], limit: number): Promise<string[]> {
    this.enter("itemsInCategories");
    const items = [...this.links].filter(([, cats]) => cats.some((c) => categoryIds.includes(c))).map(([item]) => item);
    return items.sort().slice(0, limit);
  }

  async replaceItemCategories(itemId: string, categoryIds: string[], bearer: string) {
    this.enter("replaceItemCategories");
    this.bearers.push(bearer);
    const missing = categoryIds.filter((id) => !this.known.has(id));
    if (missing.length > 0) throw notFound("category", missing.join(", "));
    const before = this.linksOf(itemId);
    this.setLinks(itemId, categoryIds);
    return { added: categoryIds.filter((id) => !before.includes(id)), removed: before.filter((id) => !categoryIds.includes(id)) };
  }

  async removeItemLinks(itemId: string): Promise<string[]> {
    this.enter("removeItemLinks");
    const before = this.linksOf(itemId);
    this.links.delete(itemId);
    return before;
  }

  async relatedItems(itemId: string, limit: number): Promise<Map<string, number>> {
    this.enter("relatedItems");
    const mine = this.linksOf(itemId);
    const shared = [...this.links]
      .filter(([item]) => item !== itemId)
      .map(([item, cats]) => [item, cats.filter((c) => mine.includes(c)).length] as const)
      .filter(([, n]) => n > 0);
    return new Map(shared.slice(0, limit));
  }

  private setLinks(itemId: string, categoryIds: string[]): void {
    if (categoryIds.length === 0) this.links.delete(itemId);
    else this.links.set(itemId, [...new Set(categoryIds)].sort());
  }

  private enter(method: CategoryMethod): void {
    this.calls[method]++;
    if (this.down) throw unavailable("category service unavailable");
  }
}
