// Renders the real app (shell, routes, services) at a path, over a FakeApi as global fetch.
import { render } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { vi } from "vitest";
import { appRoutes } from "../app/routes.js";
import type { Screen } from "../app/screens.js";
import { type AppServices, createAppServices } from "../app/services.js";
import { ServicesProvider } from "../app/services-context.js";
import { createTabSync } from "../session/tab-sync.js";
import type { FakeApi } from "./fake-api.js";
import { memoryStorage } from "./fake-tabs.js";

export interface RenderOptions {
  /** Signs this email in before rendering. */
  signedInAs?: string;
  screens?: Screen[];
}

export async function renderApp(api: FakeApi, path: string, options: RenderOptions = {}) {
  vi.stubGlobal("fetch", api.fetch);
  const services: AppServices = createAppServices({ storage: memoryStorage(), tabs: createTabSync(undefined, undefined) });
  // Tests fail fast instead of retrying refusals and outages.
  services.queryClient.setDefaultOptions({ queries: { retry: false, staleTime: Number.POSITIVE_INFINITY } });
  const user = api.users.get(options.signedInAs ?? "");
  if (options.signedInAs && user) await services.session.login(user.email, user.password);
  const router = createMemoryRouter(appRoutes(options.screens), { initialEntries: [path] });
  const view = render(
    <ServicesProvider services={services}>
      <RouterProvider router={router} />
    </ServicesProvider>,
  );
  return { ...view, services, router };
}
