import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema, ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { describe, expect, it } from "vitest";
import { aborted, failedPrecondition, invalidArgument, notFound, permissionDenied, unavailable, withReason } from "../errors/errors.js";
import { decodeRefusal, encodeRefusal, recordedRefusal } from "./stored-refusal.js";

describe("recorded refusals", () => {
  it("records what a retry would be refused again, not what says try again", () => {
    for (const err of [failedPrecondition("NOT_BORROWED", "no loan"), notFound("book", "b"), invalidArgument("id", "bad")]) {
      expect(recordedRefusal(err)).toBe(err);
    }
    for (const err of [
      aborted("raced"),
      unavailable("down"),
      permissionDenied("no"),
      new ConnectError("bug", Code.Internal),
      new Error("plain"),
    ]) {
      expect(recordedRefusal(err)).toBeUndefined();
    }
  });

  it("gives back code, message and typed details, with the replay mark as metadata", () => {
    const first = withReason(invalidArgument("Idempotency-Key", "reused"), "SOME_REASON", { a: "1" });
    const stored = JSON.parse(JSON.stringify(encodeRefusal(first)));
    const again = decodeRefusal(stored, { "idempotency-replayed": "true" });
    expect([again.code, again.rawMessage]).toEqual([Code.InvalidArgument, "Idempotency-Key: reused"]);
    expect(again.findDetails(BadRequestSchema)[0].fieldViolations[0]).toMatchObject({ field: "Idempotency-Key", description: "reused" });
    expect(again.findDetails(ErrorInfoSchema)[0]).toMatchObject({ reason: "SOME_REASON", domain: "", metadata: { a: "1" } });
    // Typed again, so the error interceptor fills the ErrorInfo's domain as on the first answer.
    expect(again.details.every((d) => "desc" in d)).toBe(true);
    expect(again.metadata.get("idempotency-replayed")).toBe("true");
  });

  it("keeps a detail of a type it does not know as its bytes", () => {
    const err = failedPrecondition("X", "refused");
    err.details.push({ type: "example.Custom", value: new Uint8Array([1, 2, 3]) });
    const again = decodeRefusal(encodeRefusal(err), {});
    expect(again.details[1]).toEqual({ type: "example.Custom", value: Buffer.from([1, 2, 3]) });
    expect(again.findDetails(ErrorInfoSchema)[0].reason).toBe("X");
  });
});
