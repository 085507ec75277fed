import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Role, type User as UserMessage, UserSchema } from "@lms/gen/library/auth/v1/auth_pb";
import type { RoleName } from "@lms/platform";
import type { User } from "../domain/user.js";

const ROLE_TO_PROTO: Record<RoleName, Role> = {
  ROLE_MEMBER: Role.MEMBER,
  ROLE_LIBRARIAN: Role.LIBRARIAN,
  ROLE_ADMIN: Role.ADMIN,
};

/** Domain role name → proto enum. */
export function roleToProto(role: RoleName): Role {
  return ROLE_TO_PROTO[role];
}

/** Proto enum → domain role name; "" for ROLE_UNSPECIFIED or an unknown number (the domain refuses it). */
export function roleFromProto(role: Role): RoleName | "" {
  const entry = Object.entries(ROLE_TO_PROTO).find(([, value]) => value === role);
  return entry ? (entry[0] as RoleName) : "";
}

/** Domain user → proto message (the one mapping at this border; never a password hash). */
export function toProto(u: User): UserMessage {
  return create(UserSchema, {
    id: u.id,
    email: u.email,
    name: u.name,
    role: roleToProto(u.role),
    createdAt: timestampFromDate(u.createdAt),
    patronGroup: u.patronGroup,
    cardNumber: u.cardNumber,
  });
}
