import { Role } from "@lms/gen/library/auth/v1/auth_pb";
import { ROLES } from "@lms/platform";
import { describe, expect, it } from "vitest";
import { roleFromProto, roleToProto, toProto } from "./auth.rpc.js";

describe("auth rpc mapping", () => {
  it("maps every role name to its enum and back", () => {
    expect(ROLES.map(roleToProto)).toEqual([Role.MEMBER, Role.LIBRARIAN, Role.ADMIN]);
    for (const role of ROLES) expect(roleFromProto(roleToProto(role))).toBe(role);
  });

  it("leaves ROLE_UNSPECIFIED and unknown numbers for the domain to refuse", () => {
    expect(roleFromProto(Role.UNSPECIFIED)).toBe("");
    expect(roleFromProto(42 as Role)).toBe("");
  });

  it("maps a user without its password hash", () => {
    const createdAt = new Date("2030-01-01T00:00:00Z");
    const message = toProto({ id: "u1", email: "ada@x.org", name: "Ada", role: "ROLE_ADMIN", createdAt });
    expect(message).toMatchObject({ id: "u1", email: "ada@x.org", name: "Ada", role: Role.ADMIN });
    expect(Number(message.createdAt?.seconds)).toBe(createdAt.getTime() / 1000);
  });
});
