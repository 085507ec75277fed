import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { loginInput, normalizeEmail, validEmail, validName, validNewPassword } from "./credentials.js";

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    const ce = ConnectError.from(err);
    expect(ce.code).toBe(Code.InvalidArgument);
    return ce.rawMessage.split(":")[0];
  }
  throw new Error("expected INVALID_ARGUMENT");
}

describe("credentials", () => {
  it("normalises emails to trimmed lower case", () => {
    expect(normalizeEmail("  Ada.Lovelace@Example.ORG ")).toBe("ada.lovelace@example.org");
    expect(validEmail("Ada@Example.org")).toBe("ada@example.org");
  });

  it("refuses malformed, empty and overlong emails naming the field", () => {
    for (const bad of ["", "   ", "ada", "ada@", "@example.org", "ada@example", "a da@example.org", `${"a".repeat(250)}@x.org`]) {
      expect(fieldOf(() => validEmail(bad))).toBe("email");
    }
  });

  it("takes passwords of 8..256 characters as given", () => {
    expect(validNewPassword(" 12345678 ")).toBe(" 12345678 ");
    expect(validNewPassword("é".repeat(8))).toBe("é".repeat(8));
    expect(fieldOf(() => validNewPassword("1234567"))).toBe("password");
    expect(fieldOf(() => validNewPassword("x".repeat(257)))).toBe("password");
  });

  it("trims names to 1..200 characters", () => {
    expect(validName("  Ada  ")).toBe("Ada");
    expect(fieldOf(() => validName("   "))).toBe("name");
    expect(fieldOf(() => validName("n".repeat(201)))).toBe("name");
  });

  it("checks login input only for presence and size", () => {
    expect(loginInput(" Ada@X.org ", "pw")).toEqual({ email: "ada@x.org", password: "pw" });
    expect(fieldOf(() => loginInput("", "pw"))).toBe("email");
    expect(fieldOf(() => loginInput("ada@x.org", ""))).toBe("password");
    expect(fieldOf(() => loginInput("ada@x.org", "x".repeat(257)))).toBe("password");
  });
});
