import { type RunResult, rateWindow } from "./stats.js";

/** How a finished call counts. */
export type Outcome = "ok" | "refused" | "error";

/**
 * One client of a call loop: `next()` makes its next call and says how it went. A client
 * is a closure, so it keeps its own state (which book it borrowed, which user it is).
 */
export interface LoopClient {
  next(): Promise<Outcome>;
}

/**
 * Runs `clients` concurrently, each keeping exactly one call in flight, until `durationMs`
 * has passed; every call is timed with the monotonic clock (sub-millisecond). A client only
 * stops at a multiple of `cycle` calls, so borrow/return pairs are never cut in half. Thrown
 * errors count as errors (and are sampled), never stop the loop.
 */
export async function runCallLoop(clients: readonly LoopClient[], durationMs: number, cycle = 1): Promise<RunResult> {
  const latenciesMs: number[] = [];
  const completedAt: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let refused = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  await Promise.all(
    clients.map(async (client) => {
      for (let i = 0; i % cycle !== 0 || performance.now() < deadline; i++) {
        const t0 = performance.now();
        let outcome: Outcome;
        try {
          outcome = await client.next();
        } catch (err) {
          outcome = "error";
          if (errorSamples.length < 5) errorSamples.push(err instanceof Error ? err.message : String(err));
        }
        const now = performance.now();
        latenciesMs.push(now - t0);
        completedAt.push(now);
        if (outcome === "error") errors++;
        else if (outcome === "refused") refused++;
      }
    }),
  );
  // Calls that finish after the deadline are timed (latency) but not counted in the rate.
  return { ...rateWindow(completedAt, deadline, start), latenciesMs, untimed: 0, errors, refused, errorSamples };
}
