// A small real catalogue for the browser specs, made through the REST API as the admin: a few
// authors, two categories, books with copies, one of them lent out so "Available only" shows.
import type { Body } from "./fixtures.js";
import { nextIsbn } from "./fixtures.js";
import type { WebAppStack } from "./web-app-stack.js";

interface SeedBook {
  title: string;
  author: string;
  category: string;
  year: number;
  copies: number;
  description: string;
}

export const SEED_BOOKS: readonly SeedBook[] = [
  {
    title: "The Left Hand of Darkness",
    author: "Ursula K. Le Guin",
    category: "Science fiction",
    year: 1969,
    copies: 2,
    description: "An envoy to the planet Gethen, whose people are neither man nor woman.",
  },
  {
    title: "The Dispossessed",
    author: "Ursula K. Le Guin",
    category: "Science fiction",
    year: 1974,
    copies: 1,
    description: "A physicist crosses the wall between an anarchist moon and its planet.",
  },
  {
    title: "Parable of the Sower",
    author: "Octavia E. Butler",
    category: "Science fiction",
    year: 1993,
    copies: 2,
    description: "A young woman with hyperempathy walks north through a collapsing California.",
  },
  { title: "Kindred", author: "Octavia E. Butler", category: "Literary fiction", year: 1979, copies: 3, description: "" },
  { title: "Invisible Cities", author: "Italo Calvino", category: "Literary fiction", year: 1972, copies: 2, description: "" },
  { title: "The Baron in the Trees", author: "Italo Calvino", category: "Literary fiction", year: 1957, copies: 1, description: "" },
];

/** The book every seed leaves lent out (to the admin), so it has no copy available. */
export const LENT_OUT = "The Dispossessed";

/** Ids of what was made, by name and title. */
export interface SeededCatalogue {
  authors: Map<string, string>;
  categories: Map<string, string>;
  books: Map<string, string>;
}

/** Creates {@link SEED_BOOKS} with their authors and categories, and lends {@link LENT_OUT} to the admin. */
export async function seedCatalogue(app: WebAppStack): Promise<SeededCatalogue> {
  const { api, admin } = app;
  const authors = new Map<string, string>();
  const categories = new Map<string, string>();
  const books = new Map<string, string>();
  for (const name of new Set(SEED_BOOKS.map((b) => b.author))) {
    authors.set(name, String((await api("POST", "/api/v1/authors", admin, { name })).body.id));
  }
  for (const name of new Set(SEED_BOOKS.map((b) => b.category))) {
    categories.set(name, String((await api("POST", "/api/v1/categories", admin, { name, description: `${name} for everyone` })).body.id));
  }
  for (const b of SEED_BOOKS) {
    const created = await api("POST", "/api/v1/books", admin, {
      title: b.title,
      isbn: nextIsbn(),
      authorId: authors.get(b.author),
      categoryIds: [categories.get(b.category)],
      publishedYear: b.year,
      publisher: "Seed Press",
      language: "en",
      description: b.description,
      totalCopies: b.copies,
    });
    books.set(b.title, String((created.body as Body).id));
  }
  await api("POST", `/api/v1/books/${books.get(LENT_OUT)}/borrow`, admin, {});
  return { authors, categories, books };
}
