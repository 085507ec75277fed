import { NavLink } from "react-router";
import { hasRole } from "../session/principal.js";
import { SCREENS } from "./screens.js";
import { usePrincipal } from "./services-context.js";

/** The header nav: every screen with a nav entry the signed-in person may open. */
export function MainNav() {
  const principal = usePrincipal();
  const entries = SCREENS.filter((s) => s.nav && (!s.role || hasRole(principal, s.role)));
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
