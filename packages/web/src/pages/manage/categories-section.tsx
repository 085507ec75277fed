import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { categoryTree, type TreeEntry } from "../../api/category-tree.js";
import { call } from "../../api/client.js";
import { errorSentences, fieldProblems } from "../../api/errors.js";
import { useAllCategories } from "../../api/queries.js";
import type { CategoryRecord } from "../../api/types.js";
import { useServices } from "../../app/services-context.js";
import { Empty, ErrorText, Loading } from "../../ui/status.js";
import { TextField } from "../../ui/text-field.js";
import { useEditor } from "./editor.js";
import { DeleteControl, EditForm, SavedNote } from "./form-bits.js";

const touchesCategories = (key: readonly unknown[]) => ["categories", "item-categories"].includes(String(key[0]));

/** The category and everything under it: what cannot become its parent. */
function subtree(tree: TreeEntry[], id: string): Set<string> {
  const out = new Set([id]);
  for (const { category } of tree) if (out.has(category.parentId)) out.add(category.id);
  return out;
}

/** "New category" (fields "Name", "Parent") or a category's edit form. */
function CategoryForm({ category, tree, onSaved }: { category?: CategoryRecord; tree: TreeEntry[]; onSaved: (text: string) => void }) {
  const { api } = useServices();
  const queryClient = useQueryClient();
  const editor = useEditor(category ? `category:${category.id}` : "new-category");
  const parentId = useId();
  const [name, setName] = useState(category?.name ?? "");
  const [parent, setParent] = useState(category?.parentId ?? "");
  const save = useMutation({
    mutationFn: () => {
      const body = { name, parentId: parent, description: category?.description ?? "" };
      return category
        ? call(api.PUT("/api/v1/categories/{id}", { params: { path: { id: category.id } }, body }))
        : call(api.POST("/api/v1/categories", { body }));
    },
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ predicate: (q) => touchesCategories(q.queryKey) });
      onSaved(category ? `Saved the category ${saved.name}.` : `Added the category ${saved.name}.`);
      editor.close();
    },
  });
  const problems = fieldProblems(save.error);
  const excluded = category ? subtree(tree, category.id) : new Set<string>();
  return (
    <EditForm
      title={category ? `Edit ${category.name}` : "New category"}
      pending={save.isPending}
      error={save.error}
      onSave={() => save.mutate()}
      onCancel={editor.close}
    >
      <TextField label="Name" name="name" required value={name} onChange={setName} problem={problems.name} />
      <div className="field">
        <label htmlFor={parentId}>Parent</label>
        <select
          id={parentId}
          value={parent}
          onChange={(e) => setParent(e.target.value)}
          aria-invalid={problems.parentId ? true : undefined}
          aria-describedby={problems.parentId ? `${parentId}-problem` : undefined}
        >
          <option value="">None (top level)</option>
          {tree
            .filter(({ category: c }) => !excluded.has(c.id))
            .map(({ category: c, depth }) => (
              <option key={c.id} value={c.id}>
                {"\u00a0\u00a0".repeat(depth) + c.name}
              </option>
            ))}
        </select>
        {problems.parentId ? (
          <p id={`${parentId}-problem`} className="field-problem">
            {problems.parentId}
          </p>
        ) : null}
      </div>
    </EditForm>
  );
}

interface NodeProps {
  category: CategoryRecord;
  kidsOf: Map<string, CategoryRecord[]>;
  tree: TreeEntry[];
  onSaved: (text: string) => void;
}

function CategoryNode({ category, kidsOf, tree, onSaved }: NodeProps) {
  const { api } = useServices();
  const queryClient = useQueryClient();
  const editor = useEditor(`category:${category.id}`);
  const kids = kidsOf.get(category.id) ?? [];
  return (
    <li>
      <div className="record">
        <span className="record-name">{category.name}</span>
        <div className="actions">
          <button type="button" className="secondary" aria-expanded={editor.isOpen} onClick={editor.open}>
            Edit <span className="visually-hidden">{category.name}</span>
          </button>
          <DeleteControl
            what={category.name}
            onDelete={() => call(api.DELETE("/api/v1/categories/{id}", { params: { path: { id: category.id } } }))}
            onDeleted={() => {
              onSaved(`Deleted the category ${category.name}.`);
              void queryClient.invalidateQueries({ predicate: (q) => touchesCategories(q.queryKey) });
            }}
          />
        </div>
        {editor.isOpen ? <CategoryForm category={category} tree={tree} onSaved={onSaved} /> : null}
      </div>
      {kids.length > 0 ? (
        <ul className="tree">
          {kids.map((k) => (
            <CategoryNode key={k.id} category={k} kidsOf={kidsOf} tree={tree} onSaved={onSaved} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** Categories as a tree (nested lists), "New category", and Edit / Delete on each. */
export function CategoriesSection() {
  const editor = useEditor("new-category");
  const [note, setNote] = useState("");
  const categories = useAllCategories();
  const tree = categoryTree(categories.data ?? []);
  const kidsOf = new Map<string, CategoryRecord[]>();
  const shown = new Set(tree.map((t) => t.category.id));
  for (const { category } of tree) {
    const parent = shown.has(category.parentId) ? category.parentId : "";
    kidsOf.set(parent, [...(kidsOf.get(parent) ?? []), category]);
  }
  return (
    <section id="categories">
      <h2 id="categories-heading">Categories</h2>
      <button type="button" aria-expanded={editor.isOpen} onClick={editor.open}>
        New category
      </button>
      {editor.isOpen ? <CategoryForm tree={tree} onSaved={setNote} /> : null}
      <SavedNote text={note} />
      {categories.isPending ? <Loading what="categories" /> : null}
      {categories.isError ? <ErrorText sentences={errorSentences(categories.error)} /> : null}
      {categories.isSuccess && tree.length === 0 ? <Empty>No categories yet.</Empty> : null}
      {tree.length > 0 ? (
        <ul className="tree records">
          {(kidsOf.get("") ?? []).map((c) => (
            <CategoryNode key={c.id} category={c} kidsOf={kidsOf} tree={tree} onSaved={setNote} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}
