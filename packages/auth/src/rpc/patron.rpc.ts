import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  type AuthService,
  BatchGetUsersResponseSchema,
  ListUsersResponseSchema,
  UpdateUserRequestSchema,
} from "@lms/gen/library/auth/v1/auth_pb";
import {
  ETAG_HEADER,
  IF_MATCH_HEADER,
  inTransaction,
  maskedFields,
  type Principal,
  pickFields,
  principalKey,
  unauthenticated,
} from "@lms/platform";
import type pg from "pg";
import * as patrons from "../domain/patron.service.js";
import type { User, UserPatch } from "../domain/user.js";
import { toProto } from "./user-proto.js";

/** The fields UpdateUser may change, and the ones it ignores (AIP-134 / AIP-203); email and role are neither. */
const USER_MASK = {
  writable: ["name", "patron_group"],
  outputOnly: ["id", "card_number", "created_at"],
};

type PatronMethods = "getUser" | "listUsers" | "updateUser" | "batchGetUsers";

/** The patron methods of AuthService (DESIGN.md §8), part of the one implementation in auth.rpc.ts. */
export function createPatronRpc(pool: pg.Pool): Pick<ServiceImpl<typeof AuthService>, PatronMethods> {
  return {
    async getUser(req, ctx) {
      return tagged(await patrons.getUser(pool, callerOf(ctx), req.id), ctx);
    },
    async listUsers(req) {
      const page = await patrons.listUsers(pool, req);
      return create(ListUsersResponseSchema, { ...page, users: page.users.map(toProto) });
    },
    async updateUser(req, ctx) {
      const patch: UserPatch = pickFields(req, maskedFields(UpdateUserRequestSchema, req, req.updateMask, USER_MASK));
      const ifMatch = ctx.requestHeader.get(IF_MATCH_HEADER);
      return tagged(await inTransaction(pool, (tx) => patrons.updateUser(tx, req.id, patch, ifMatch)), ctx);
    },
    async batchGetUsers(req) {
      const found = await patrons.batchGetUsers(pool, { ids: req.ids, cardNumbers: req.cardNumbers });
      return create(BatchGetUsersResponseSchema, { users: found.map(toProto) });
    },
  };
}

/** Answers `user` with its ETag (gRPC response metadata, REST header). */
function tagged(user: User, ctx: HandlerContext) {
  ctx.responseHeader.set(ETAG_HEADER, patrons.userEtag(user));
  return toProto(user);
}

/** The verified caller; the access rule ("member" or stricter) has already required one. */
function callerOf(ctx: HandlerContext): Principal {
  const caller = ctx.values.get(principalKey);
  if (!caller) throw unauthenticated("missing bearer token");
  return caller;
}
