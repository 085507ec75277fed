import { Code, type ConnectError } from "@connectrpc/connect";
import { BadRequestSchema, ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { describe, expect, it } from "vitest";
import {
  aborted,
  alreadyExists,
  failedPrecondition,
  invalidArgument,
  notFound,
  permissionDenied,
  resourceExhausted,
  unauthenticated,
  unavailable,
} from "./errors.js";

describe("error factories", () => {
  it("invalidArgument is code 3 with a BadRequest naming the field", () => {
    const err = invalidArgument("isbn", "bad checksum");
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toBe("isbn: bad checksum");
    const [bad] = err.findDetails(BadRequestSchema);
    expect(bad.fieldViolations).toEqual([expect.objectContaining({ field: "isbn", description: "bad checksum" })]);
  });

  it("failedPrecondition is code 9 with an ErrorInfo carrying reason and metadata, domain left empty", () => {
    const err = failedPrecondition("NO_COPIES_AVAILABLE", "no copy left", { bookId: "b1" });
    expect(err.code).toBe(Code.FailedPrecondition);
    expect(err.rawMessage).toBe("no copy left");
    const [info] = err.findDetails(ErrorInfoSchema);
    expect(info).toMatchObject({ reason: "NO_COPIES_AVAILABLE", domain: "", metadata: { bookId: "b1" } });
  });

  it("unauthenticated carries an ErrorInfo only when given a reason", () => {
    expect(unauthenticated("no token").findDetails(ErrorInfoSchema)).toEqual([]);
    const err = unauthenticated("reused", "REFRESH_TOKEN_REUSED");
    expect(err.code).toBe(Code.Unauthenticated);
    expect(err.findDetails(ErrorInfoSchema)[0].reason).toBe("REFRESH_TOKEN_REUSED");
  });

  it("resourceExhausted is code 8 with reason RATE_LIMITED", () => {
    const err = resourceExhausted("slow down", { retryAfter: "60" });
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.findDetails(ErrorInfoSchema)[0]).toMatchObject({ reason: "RATE_LIMITED", metadata: { retryAfter: "60" } });
  });

  it.each<[string, ConnectError, Code]>([
    ["notFound", notFound("author", "a1"), Code.NotFound],
    ["alreadyExists", alreadyExists("taken"), Code.AlreadyExists],
    ["permissionDenied", permissionDenied("no"), Code.PermissionDenied],
    ["unavailable", unavailable("down"), Code.Unavailable],
    ["aborted", aborted("raced"), Code.Aborted],
  ])("%s gives its own code", (_name, err, code) => {
    expect(err.code).toBe(code);
  });

  it("notFound names the entity and id", () => {
    expect(notFound("author", "a1").rawMessage).toBe("author a1 not found");
  });
});
