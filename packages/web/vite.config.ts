import react from "@vitejs/plugin-react";
import { defineConfig, type ProxyOptions } from "vite";
import { DEFAULT_SERVICE_PORTS, type ServiceName, serviceSegments } from "./shared/service-routes.js";

// `npm run dev`: the dev server forwards /api/v1/<resource> to the owning service, like the
// production origin does, so the browser needs no CORS. Ports follow the launcher's variables.
function serviceUrl(svc: ServiceName): string {
  const port = process.env[`${svc.toUpperCase()}_HTTP_PORT`] ?? String(DEFAULT_SERVICE_PORTS[svc]);
  return `http://127.0.0.1:${port}`;
}

const proxy: Record<string, ProxyOptions> = Object.fromEntries(
  [...serviceSegments()].map(([segment, svc]) => [`^/api/v1/${segment}(/|\\?|$)`, { target: serviceUrl(svc) }]),
);

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  // The manifest lets scripts/first-page-size.ts (and the bench) follow what a page loads.
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", manifest: true },
  server: { host: "127.0.0.1", port: 5173, proxy },
});
