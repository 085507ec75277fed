import { runMain } from "@lms/platform";
import { buildBookApp } from "./app.js";
import { loadBookConfig } from "./config.js";

await runMain("book", async () => {
  const { config, warnings } = loadBookConfig();
  return buildBookApp(config, {}, warnings);
});
