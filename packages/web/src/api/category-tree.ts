// Categories form a tree (parentId; "" at the top). Pickers and the Manage screen show it in
// tree order: each category followed by its children, by name.
import type { CategoryRecord } from "./types.js";

export interface TreeEntry {
  category: CategoryRecord;
  /** 0 at the top level. */
  depth: number;
}

/** Depth-first, siblings by name; a category whose parent is not in the list is shown at the top. */
export function categoryTree(categories: CategoryRecord[]): TreeEntry[] {
  const ids = new Set(categories.map((c) => c.id));
  const children = new Map<string, CategoryRecord[]>();
  for (const c of categories) {
    const parent = c.parentId && ids.has(c.parentId) ? c.parentId : "";
    children.set(parent, [...(children.get(parent) ?? []), c]);
  }
  const out: TreeEntry[] = [];
  const seen = new Set<string>();
  const walk = (parent: string, depth: number) => {
    for (const c of [...(children.get(parent) ?? [])].sort((a, b) => a.name.localeCompare(b.name))) {
      if (seen.has(c.id)) continue; // the API forbids cycles; never loop if one slipped through
      seen.add(c.id);
      out.push({ category: c, depth });
      walk(c.id, depth + 1);
    }
  };
  walk("", 0);
  return out;
}
