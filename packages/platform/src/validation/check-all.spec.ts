import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema, ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { describe, expect, it } from "vitest";
import { invalidArgument, notFound } from "../errors/errors.js";
import { checkAll } from "./check-all.js";
import { requireUuid, trimmedText } from "./fields.js";

describe("checkAll", () => {
  it("returns every checked value when all pass", () => {
    expect(checkAll({ name: () => trimmedText("name", " Ann ", 1, 10), n: () => 3 })).toEqual({ name: "Ann", n: 3 });
  });

  it("names every invalid field in one BadRequest, in order", () => {
    let caught: unknown;
    try {
      checkAll({ name: () => trimmedText("name", "", 1, 10), ok: () => 1, id: () => requireUuid("id", "nope") });
    } catch (err) {
      caught = err;
    }
    const err = ConnectError.from(caught);
    expect(err.code).toBe(Code.InvalidArgument);
    const fields = err.findDetails(BadRequestSchema).flatMap((d) => d.fieldViolations.map((v) => v.field));
    expect(fields).toEqual(["name", "id"]);
  });

  it("keeps the other details of a failure (e.g. an ErrorInfo)", () => {
    const weak = invalidArgument("password", "too common");
    weak.details.push({ desc: ErrorInfoSchema, value: create(ErrorInfoSchema, { reason: "PASSWORD_TOO_WEAK" }) });
    let caught: unknown;
    try {
      checkAll({
        email: () => trimmedText("email", "", 1, 9),
        password: () => {
          throw weak;
        },
      });
    } catch (err) {
      caught = err;
    }
    const err = ConnectError.from(caught);
    expect(err.findDetails(ErrorInfoSchema).map((i) => i.reason)).toEqual(["PASSWORD_TOO_WEAK"]);
    expect(err.findDetails(BadRequestSchema)[0].fieldViolations.map((v) => v.field)).toEqual(["email", "password"]);
  });

  it("lets other errors through", () => {
    expect(() =>
      checkAll({
        x: () => {
          throw notFound("author", "1");
        },
      }),
    ).toThrow(/not found/);
  });
});
