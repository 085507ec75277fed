import { type FormEvent, useId, useState } from "react";
import { categoryTree } from "../../api/category-tree.js";
import { useAllCategories } from "../../api/queries.js";
import { AuthorFilter } from "./author-filter.js";

export interface CatalogueFilter {
  q: string;
  categoryId: string;
  authorId: string;
  availableOnly: boolean;
}

export const NO_FILTER: CatalogueFilter = { q: "", categoryId: "", authorId: "", availableOnly: false };

/** "Search the catalogue", "Category", "Author", "Available only" (DESIGN §9). */
export function CatalogueFilters({ value, onChange }: { value: CatalogueFilter; onChange: (next: CatalogueFilter) => void }) {
  const categories = useAllCategories();
  const [text, setText] = useState(value.q);
  const ids = { search: useId(), category: useId(), available: useId() };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange({ ...value, q: text.trim() });
  };

  return (
    <form className="filters" aria-label="Search and filters" onSubmit={submit}>
      <div className="field search">
        <label htmlFor={ids.search}>Search the catalogue</label>
        <div className="search-row">
          <input id={ids.search} type="search" value={text} placeholder="Title or ISBN" onChange={(e) => setText(e.target.value)} />
          <button type="submit">Search</button>
        </div>
      </div>
      <div className="field">
        <label htmlFor={ids.category}>Category</label>
        <select id={ids.category} value={value.categoryId} onChange={(e) => onChange({ ...value, categoryId: e.target.value })}>
          <option value="">All categories</option>
          {categoryTree(categories.data ?? []).map(({ category, depth }) => (
            <option key={category.id} value={category.id}>
              {"\u00a0\u00a0".repeat(depth) + category.name}
            </option>
          ))}
        </select>
      </div>
      <AuthorFilter authorId={value.authorId} onChange={(authorId) => onChange({ ...value, authorId })} />
      <div className="field checkbox">
        <input
          id={ids.available}
          type="checkbox"
          checked={value.availableOnly}
          onChange={(e) => onChange({ ...value, availableOnly: e.target.checked })}
        />
        <label htmlFor={ids.available}>Available only</label>
      </div>
    </form>
  );
}
