import { createHash, timingSafeEqual } from "node:crypto";
import type { Interceptor } from "@connectrpc/connect";
import { unauthenticated } from "../errors/errors.js";

/** Service exempt from the key: the standard gRPC health check (DESIGN.md §5). */
const OPEN_SERVICES = new Set(["grpc.health.v1.Health"]);

/**
 * Refuses, before any work, every call whose `x-server-key` metadata is missing or differs
 * from `serverKey` (see `createServerKeyCheck`); the health service needs no key.
 */
export function createServerKeyInterceptor(serverKey: string): Interceptor {
  const check = createServerKeyCheck(serverKey);
  return (next) => async (req) => {
    if (!OPEN_SERVICES.has(req.service.typeName)) check(req.header);
    return next(req);
  };
}

/**
 * Throws UNAUTHENTICATED unless `header` carries `x-server-key: <serverKey>`. Both sides are
 * hashed first so the comparison is constant-time whatever the lengths. For calls served
 * outside the interceptor chain (server reflection, a grpc-js bidi stream).
 */
export function createServerKeyCheck(serverKey: string): (header: Headers) => void {
  const expected = digest(serverKey);
  return (header) => {
    const given = header.get("x-server-key");
    if (!given) throw unauthenticated("missing server key");
    if (!timingSafeEqual(digest(given), expected)) throw unauthenticated("wrong server key");
  };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
