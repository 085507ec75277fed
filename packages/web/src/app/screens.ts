// THE extension point: one entry per screen. The router and the header nav are both built from
// this list, so adding a screen (and its nav link) is adding an entry here. Pages load lazily: the
// first page only downloads its own code.
import { type ComponentType, type LazyExoticComponent, lazy } from "react";
import type { Role } from "../session/principal.js";

export interface Screen {
  /** Route path, React Router syntax ("books/:id"); "" is the home page. */
  path: string;
  page: LazyExoticComponent<ComponentType>;
  /** Least role that may open it (and see its nav entry); undefined: everyone, signed in or not. */
  role?: Role;
  /** Present when the screen has a header nav entry, in list order. */
  nav?: { label: string };
}

export const SCREENS: Screen[] = [
  { path: "", page: lazy(() => import("../pages/catalogue/catalogue-page.js")), nav: { label: "Catalogue" } },
  { path: "books/:id", page: lazy(() => import("../pages/book/book-page.js")) },
  { path: "loans", page: lazy(() => import("../pages/loans/my-loans-page.js")), role: "member", nav: { label: "My loans" } },
  { path: "sign-in", page: lazy(() => import("../pages/account/sign-in-page.js")) },
  { path: "register", page: lazy(() => import("../pages/account/register-page.js")) },
  { path: "desk", page: lazy(() => import("../pages/desk/desk-page.js")), role: "librarian", nav: { label: "Circulation desk" } },
  { path: "manage", page: lazy(() => import("../pages/manage/manage-page.js")), role: "librarian", nav: { label: "Manage" } },
];
