import { portIsFree } from "@lms/platform/net/port-is-free";

/** Ports this process has handed out: a port is free until its server binds, so never hand it out twice. */
const handedOut = new Set<number>();

/**
 * A free TCP port below the kernel's ephemeral range (32768+), so a client reconnecting to a
 * stopped test server can never end up connected to itself. Each vitest worker draws from its
 * own slice of 20000–31999 (VITEST_POOL_ID), so suites running side by side cannot pick the same
 * port between one's check and its server's bind.
 */
export async function freePort(): Promise<number> {
  const slices = 6;
  const slice = (Number(process.env.VITEST_POOL_ID ?? 0) || 0) % slices;
  const size = 12_000 / slices;
  for (;;) {
    const port = 20_000 + slice * size + Math.floor(Math.random() * size);
    if (handedOut.has(port) || !(await portIsFree(port))) continue;
    handedOut.add(port);
    return port;
  }
}
