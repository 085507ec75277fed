import { Role } from "@lms/gen/library/auth/v1/auth_pb";
import { ROLES } from "@lms/platform";
import { describe, expect, it } from "vitest";
import { roleFromProto, roleToProto, toProto } from "./user-proto.js";

describe("auth rpc mapping", () => {
  it("maps every role name to its enum and back", () => {
    expect(ROLES.map(roleToProto)).toEqual([Role.MEMBER, Role.LIBRARIAN, Role.ADMIN]);
    for (const role of ROLES) expect(roleFromProto(roleToProto(role))).toBe(role);
  });

  it("leaves ROLE_UNSPECIFIED and unknown numbers for the domain to refuse", () => {
    expect(roleFromProto(Role.UNSPECIFIED)).toBe("");
    expect(roleFromProto(42 as Role)).toBe("");
  });

  it("maps a user with its patron group and card number, without its password hash", () => {
    const createdAt = new Date("2030-01-01T00:00:00Z");
    const user = { id: "u1", email: "ada@x.org", name: "Ada", role: "ROLE_ADMIN" as const, createdAt };
    const message = toProto({ ...user, patronGroup: "staff", cardNumber: "1000000008", version: "1" });
    expect(message).toMatchObject({
      id: "u1",
      email: "ada@x.org",
      name: "Ada",
      role: Role.ADMIN,
      patronGroup: "staff",
      cardNumber: "1000000008",
    });
    expect(Number(message.createdAt?.seconds)).toBe(createdAt.getTime() / 1000);
    expect(Object.keys(message)).not.toContain("passwordHash");
  });
});
