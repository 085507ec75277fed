import { QueryClientProvider } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useSyncExternalStore } from "react";
import type { Principal } from "../session/principal.js";
import type { AppServices } from "./services.js";

const ServicesContext = createContext<AppServices | null>(null);

export function ServicesProvider({ services, children }: { services: AppServices; children: ReactNode }) {
  return (
    <ServicesContext.Provider value={services}>
      <QueryClientProvider client={services.queryClient}>{children}</QueryClientProvider>
    </ServicesContext.Provider>
  );
}

export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error("useServices needs a <ServicesProvider>");
  return services;
}

/** The signed-in person (re-renders on sign-in, sign-out and a change in another tab). */
export function usePrincipal(): Principal | undefined {
  const { session } = useServices();
  return useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.principal,
  );
}

/** True while a login stored by an earlier visit is being restored: screens wait rather than ask to sign in. */
export function useRestoring(): boolean {
  const { session } = useServices();
  return useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.restoring,
  );
}

/** True when the server ended the login while a page was open (see Session.ended). */
export function useSessionEnded(): boolean {
  const { session } = useServices();
  return useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.ended,
  );
}
