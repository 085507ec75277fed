import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  type AuthService,
  LoginResponseSchema,
  LogoutResponseSchema,
  RefreshTokenResponseSchema,
  RegisterResponseSchema,
  SetUserRoleResponseSchema,
  VerifyTokenResponseSchema,
} from "@lms/gen/library/auth/v1/auth_pb";
import { clientAddressOf, inTransaction } from "@lms/platform";
import type pg from "pg";
import type { Introspection } from "../domain/access-token.js";
import * as sessions from "../domain/session.service.js";
import * as users from "../domain/user.service.js";
import { createPatronRpc } from "./patron.rpc.js";
import { roleFromProto, roleToProto, toProto } from "./user-proto.js";

/**
 * Where REST finds what Register created (answered 201 with this `Location`): DESIGN.md §8's
 * GetUser path.
 */
export const authLocations = { Register: "/api/v1/users/{user.id}" } as const;

function introspectionToProto(i: Introspection) {
  if (!i.valid) return create(VerifyTokenResponseSchema, { valid: false, reason: i.reason });
  return create(VerifyTokenResponseSchema, {
    valid: true,
    userId: i.userId,
    email: i.email,
    role: roleToProto(i.role),
    expiresAt: timestampFromDate(i.expiresAt),
  });
}

/** The one implementation of AuthService, mounted on gRPC and REST alike. */
export function createAuthRpc(pool: pg.Pool, deps: sessions.SessionDeps): ServiceImpl<typeof AuthService> {
  return {
    ...createPatronRpc(pool),
    async register(req, ctx) {
      return create(RegisterResponseSchema, { user: toProto(await users.register(pool, deps.passwords, req, ctx.signal)) });
    },
    async login(req, ctx) {
      const call = { clientAddress: clientAddressOf(ctx.requestHeader), signal: ctx.signal };
      const attempt = await sessions.checkLogin(pool, deps, req.email, req.password, call);
      if (!attempt.user) await inTransaction(pool, (tx) => sessions.recordFailedLogin(tx, deps, attempt));
      const pair = await sessions.startLogin(pool, deps, attempt);
      return create(LoginResponseSchema, { ...pair, tokenType: "Bearer" });
    },
    async refreshToken(req) {
      const pair = sessions.tokenPairOf(await inTransaction(pool, (tx) => sessions.refresh(tx, deps, req.refreshToken)));
      return create(RefreshTokenResponseSchema, { ...pair, tokenType: "Bearer" });
    },
    async verifyToken(req) {
      return introspectionToProto(await sessions.verifyToken(deps, req.token));
    },
    async logout(req) {
      await sessions.logout(pool, req.refreshToken);
      return create(LogoutResponseSchema);
    },
    async setUserRole(req) {
      const user = await inTransaction(pool, (tx) => users.setUserRole(tx, req.userId, roleFromProto(req.role)));
      return create(SetUserRoleResponseSchema, { user: toProto(user) });
    },
  };
}
