import { createServer } from "node:net";

/** True when nothing listens on `port` of `host` (a throwaway server binds it and closes again). */
export function portIsFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", () => done(false));
    server.listen(port, host, () => server.close(() => done(true)));
  });
}
