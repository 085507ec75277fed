import { setTimeout as sleep } from "node:timers/promises";

const POLL_MS = 300;
const REQUEST_TIMEOUT_MS = 2000;

/**
 * Polls `url` until it answers 200. Rejects after `timeoutMs`, or as soon as `gone` settles
 * (the process that should answer has exited, so waiting longer is pointless).
 */
export async function waitUntilReady(url: string, timeoutMs: number, gone: Promise<unknown>): Promise<void> {
  let exited = false;
  void gone.then(() => {
    exited = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (!exited) {
    if (await answers200(url)) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(POLL_MS);
  }
  throw new Error(`exited before ${url} answered`);
}

async function answers200(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}
