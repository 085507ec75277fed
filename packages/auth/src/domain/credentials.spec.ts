import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { describe, expect, it } from "vitest";
import { loginInput, normalizeEmail, validEmail, validName, validNewPassword } from "./credentials.js";

function thrown(fn: () => unknown): ConnectError {
  try {
    fn();
  } catch (err) {
    const ce = ConnectError.from(err);
    expect(ce.code).toBe(Code.InvalidArgument);
    return ce;
  }
  throw new Error("expected INVALID_ARGUMENT");
}

function fieldOf(fn: () => unknown): string {
  return thrown(fn).rawMessage.split(":")[0];
}

describe("credentials", () => {
  it("normalises emails to trimmed lower case", () => {
    expect(normalizeEmail("  Ada.Lovelace@Example.ORG ")).toBe("ada.lovelace@example.org");
    expect(validEmail("Ada@Example.org")).toBe("ada@example.org");
  });

  it("folds compatibility forms (NFKC) before lower-casing", () => {
    expect(validEmail("ＡＢＣ@ｅｘａｍｐｌｅ.org")).toBe("abc@example.org");
    expect(loginInput(" ＡＢＣ@example.org", "pw").email).toBe("abc@example.org");
    expect(normalizeEmail("ﬁle@example.org")).toBe("file@example.org");
  });

  it.each([
    ["zero-width space", "\u200B"],
    ["zero-width non-joiner", "\u200C"],
    ["zero-width joiner", "\u200D"],
    ["word joiner", "\u2060"],
    ["byte-order mark", "\uFEFF"],
    ["soft hyphen", "\u00AD"],
    ["right-to-left override", "\u202E"],
    ["left-to-right isolate", "\u2066"],
    ["NUL", "\u0000"],
    ["Hangul filler", "\u3164"],
  ])("refuses an email with a %s, at register and login", (_name, char) => {
    expect(fieldOf(() => validEmail(`a${char}@x.org`))).toBe("email");
    expect(fieldOf(() => validEmail(`${char}a@x.org`))).toBe("email");
    expect(fieldOf(() => loginInput(`a${char}@x.org`, "pw"))).toBe("email");
  });

  it("refuses common passwords in any case with PASSWORD_TOO_WEAK", () => {
    for (const common of ["password", "PassWord1", "iloveyou", "qwertyuiop", "12345678"]) {
      const err = thrown(() => validNewPassword(common));
      expect(err.rawMessage.split(":")[0]).toBe("password");
      expect(err.findDetails(ErrorInfoSchema)[0]?.reason).toBe("PASSWORD_TOO_WEAK");
    }
    expect(validNewPassword("difference-engine")).toBe("difference-engine");
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
