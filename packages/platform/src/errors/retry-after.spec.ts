import { Code, ConnectError } from "@connectrpc/connect";
import { RetryInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { describe, expect, it } from "vitest";
import { resourceExhausted, unavailable } from "./errors.js";
import { retryAfterSecondsOf, withRetryAfter } from "./retry-after.js";

describe("withRetryAfter", () => {
  it("adds a RetryInfo detail in whole seconds, at least one", () => {
    const err = withRetryAfter(unavailable("busy"), 2.2);
    expect(err.code).toBe(Code.Unavailable);
    expect(Number(err.findDetails(RetryInfoSchema)[0].retryDelay?.seconds)).toBe(3);
    expect(retryAfterSecondsOf(err)).toBe(3);
    expect(retryAfterSecondsOf(withRetryAfter(unavailable("busy"), 0))).toBe(1);
  });

  it("keeps the error's other details, and survives ConnectError.from", () => {
    const err = withRetryAfter(resourceExhausted("slow down", { windowSeconds: "60" }), 42);
    expect(err.details).toHaveLength(2);
    expect(retryAfterSecondsOf(ConnectError.from(err))).toBe(42);
  });

  it("is undefined for an error without one", () => {
    expect(retryAfterSecondsOf(unavailable("down"))).toBeUndefined();
  });
});
