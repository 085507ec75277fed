import type { RouteObject } from "react-router";
import { NotFoundPage } from "../pages/not-found-page.js";
import { PageError } from "../pages/page-error.js";
import { RequireRole } from "./require-role.js";
import { SCREENS, type Screen } from "./screens.js";
import { Shell } from "./shell.js";

function screenRoute({ path, page: Page, role }: Screen): RouteObject {
  const element = role ? (
    <RequireRole role={role}>
      <Page />
    </RequireRole>
  ) : (
    <Page />
  );
  // Per screen, so a failing page keeps the header and nav around it.
  const errorElement = <PageError />;
  return path === "" ? { index: true, element, errorElement } : { path, element, errorElement };
}

/** The whole route tree: the shell around every screen of SCREENS, then "not found". */
export function appRoutes(screens: Screen[] = SCREENS): RouteObject[] {
  return [{ path: "/", element: <Shell />, children: [...screens.map(screenRoute), { path: "*", element: <NotFoundPage /> }] }];
}
