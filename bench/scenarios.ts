import type { Scenario } from "./scenario.js";
import { authScenarios } from "./scenarios-auth.js";
import { catalogueScenarios } from "./scenarios-catalogue.js";
import { circulationScenarios } from "./scenarios-circulation.js";
import { deskScenarios } from "./scenarios-desk.js";
import { webScenarios } from "./scenarios-web.js";

/** Every scenario, in table order (BENCH_ONLY selects by name prefix). */
export const scenarios: readonly Scenario[] = [
  ...catalogueScenarios,
  ...circulationScenarios,
  ...deskScenarios,
  ...authScenarios,
  ...webScenarios,
];
