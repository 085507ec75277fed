// `node --import tsx packages/web/server/main.ts`: the web origin as its own process (make run,
// the container image), with the services' lifecycle (runMain): a bad configuration or a port in
// use exits 1 with one line; SIGTERM drains and exits 0.
import { runMain } from "@lms/platform/lifecycle/run-main";
import { loadWebConfig } from "./config.js";
import { buildWebOrigin } from "./origin.js";

await runMain("web", async () => {
  const config = loadWebConfig();
  const origin = await buildWebOrigin(config);
  origin.log.info({ app: config.distDir, upstreams: config.upstreams }, "web origin configured");
  return origin;
});
