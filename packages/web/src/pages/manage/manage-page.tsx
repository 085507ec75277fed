import { AuthorsSection } from "./authors-section.js";
import { BooksSection } from "./books-section.js";
import { CategoriesSection } from "./categories-section.js";
import { EditorProvider } from "./editor.js";
import { PoliciesSection } from "./policies-section.js";
import { UsersSection } from "./users-section.js";
import "../../styles/staff.css";

const PARTS = [
  ["authors", "Authors"],
  ["categories", "Categories"],
  ["books", "Books"],
  ["policies", "Loan policies"],
  ["users", "Users"],
] as const;

/**
 * "Manage" (DESIGN §9, librarians): authors, the category tree, books with copies, loan policies
 * and users, one section each on one page; "New author", "New category" and "New book" open
 * their forms in place, one form at a time.
 */
export default function ManagePage() {
  return (
    <section className="page manage">
      <title>Manage · Library</title>
      <h1>Manage</h1>
      <nav aria-label="Sections">
        <ul className="section-links">
          {PARTS.map(([id, label]) => (
            <li key={id}>
              <a href={`#${id}`}>{label}</a>
            </li>
          ))}
        </ul>
      </nav>
      <EditorProvider>
        <AuthorsSection />
        <CategoriesSection />
        <BooksSection />
        <PoliciesSection />
        <UsersSection />
      </EditorProvider>
    </section>
  );
}
