import type { RouteObject } from "react-router";
import { NotFoundPage } from "../pages/not-found-page.js";
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
  return path === "" ? { index: true, element } : { path, element };
}

/** The whole route tree: the shell around every screen of SCREENS, then "not found". */
export function appRoutes(screens: Screen[] = SCREENS): RouteObject[] {
  return [{ path: "/", element: <Shell />, children: [...screens.map(screenRoute), { path: "*", element: <NotFoundPage /> }] }];
}
