import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, RouterProvider } from "react-router";
import { appRoutes } from "./app/routes.js";
import { createAppServices } from "./app/services.js";
import { ServicesProvider } from "./app/services-context.js";
import "./styles/base.css";
import "./styles/screens.css";

const services = createAppServices();
// A stored login (reload, new tab) is restored before the first screen asks for data.
if (services.session.hasStoredLogin) void services.session.refresh();
const router = createBrowserRouter(appRoutes());

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <ServicesProvider services={services}>
      <RouterProvider router={router} />
    </ServicesProvider>
  </StrictMode>,
);
