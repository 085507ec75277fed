// The REST shapes the screens use, named once, all taken from the generated OpenAPI types so a
// changed API breaks compilation here rather than at run time.
import type { components as Auth, paths as AuthPaths } from "@lms/gen/openapi/auth";
import type { components as Author, paths as AuthorPaths } from "@lms/gen/openapi/author";
import type { components as BookApi, paths as BookPaths } from "@lms/gen/openapi/book";
import type { components as Category, paths as CategoryPaths } from "@lms/gen/openapi/category";

/** Every REST path of the four services: their paths never overlap, so one client serves them all. */
export type ApiPaths = AuthPaths & AuthorPaths & CategoryPaths & BookPaths;

export type TokenPair = Auth["schemas"]["LoginResponse"];
export type User = Auth["schemas"]["User"];
export type AuthorRecord = Author["schemas"]["Author"];
export type CategoryRecord = Category["schemas"]["Category"];
export type Book = BookApi["schemas"]["Book"];
export type Copy = BookApi["schemas"]["Copy"];
export type CopyStatus = BookApi["schemas"]["CopyStatus"];
export type Loan = BookApi["schemas"]["Loan"];
export type Blocker = BookApi["schemas"]["Blocker"];
export type LoanPolicy = BookApi["schemas"]["LoanPolicy"];
/** The REST error body of DESIGN §3. */
export type ErrorBody = BookApi["schemas"]["Error"];
