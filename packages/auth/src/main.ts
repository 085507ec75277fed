import { runMain } from "@lms/platform";
import { buildAuthApp } from "./app.js";
import { loadAuthConfig } from "./config.js";

await runMain("auth", async () => {
  const { config, warnings } = loadAuthConfig();
  return buildAuthApp(config, {}, warnings);
});
