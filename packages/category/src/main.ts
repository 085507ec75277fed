import { runMain } from "@lms/platform";
import { buildCategoryApp } from "./app.js";
import { loadCategoryConfig } from "./config.js";

await runMain("category", async () => {
  const { config, warnings } = loadCategoryConfig();
  return buildCategoryApp(config, {}, warnings);
});
