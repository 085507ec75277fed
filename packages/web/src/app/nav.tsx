import { NavLink } from "react-router";
import { hasRole, type Principal } from "../session/principal.js";
import { SCREENS, type Screen } from "./screens.js";
import { usePrincipal } from "./services-context.js";

/** Screens with a nav entry that `principal` may open, in list order. */
export function navEntries(screens: Screen[], principal: Principal | undefined): Screen[] {
  return screens.filter((s) => s.nav && (!s.role || hasRole(principal, s.role)));
}

/** The header nav: every screen with a nav entry the signed-in person may open. */
export function MainNav() {
  const entries = navEntries(SCREENS, usePrincipal());
  return (
    <nav aria-label="Main">
      <ul className="nav-list">
        {entries.map((s) => (
          <li key={s.path}>
            <NavLink to={`/${s.path}`} end={s.path === ""}>
              {s.nav?.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
