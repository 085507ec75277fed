import { Code } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { httpStatusOf } from "./http-status.js";

describe("httpStatusOf", () => {
  // DESIGN.md §3, row by row.
  it.each([
    [Code.InvalidArgument, 3, 400],
    [Code.FailedPrecondition, 9, 400],
    [Code.OutOfRange, 11, 400],
    [Code.Unauthenticated, 16, 401],
    [Code.PermissionDenied, 7, 403],
    [Code.NotFound, 5, 404],
    [Code.AlreadyExists, 6, 409],
    [Code.Aborted, 10, 409],
    [Code.ResourceExhausted, 8, 429],
    [Code.Unavailable, 14, 503],
    [Code.DeadlineExceeded, 4, 504],
    [Code.Unimplemented, 12, 501],
    [Code.Internal, 13, 500],
  ])("maps gRPC code %i to the DESIGN §3 status", (code, number, status) => {
    expect(code).toBe(number);
    expect(httpStatusOf(code)).toBe(status);
  });

  it("answers 500 for a code outside the table", () => {
    expect(httpStatusOf(99 as Code)).toBe(500);
  });
});
