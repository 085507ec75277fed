import { runMain } from "@lms/platform";
import { buildAuthorApp } from "./app.js";
import { loadAuthorConfig } from "./config.js";

await runMain("author", async () => {
  const { config, warnings } = loadAuthorConfig();
  return buildAuthorApp(config, {}, warnings);
});
