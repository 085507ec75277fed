import { create, fromJson } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema } from "@lms/gen/google/rpc/error_details_pb";
import { BookService, BorrowBookRequestSchema, ReturnBookRequestSchema } from "@lms/gen/library/book/v1/book_pb";
import { describe, expect, it } from "vitest";
import { principalKey } from "../auth/principal.js";
import { CallContext } from "../grpc/call-context.js";
import { idempotencyCallerOf, idempotencyKeyOf, lockKeyOf, methodName, requestFingerprint } from "./idempotency-key.js";

const keyOf = (value?: string) => idempotencyKeyOf(new Headers(value === undefined ? {} : { "idempotency-key": value }));
const refusal = (value: string) => {
  try {
    keyOf(value);
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error(`key ${JSON.stringify(value)} was accepted`);
};

describe("idempotencyKeyOf", () => {
  it("is undefined without the header: the call runs as it always did", () => {
    expect(keyOf()).toBeUndefined();
  });

  it("takes 1 to 255 visible ASCII characters as they are", () => {
    expect(keyOf("8e03978e-40d5-43e8-bc93-6894a57f9324")).toBe("8e03978e-40d5-43e8-bc93-6894a57f9324");
    expect(keyOf("a")).toBe("a");
    expect(keyOf("~".repeat(255))).toBe("~".repeat(255));
  });

  it("reads the draft's structured-field string form as the same key", () => {
    expect(keyOf('"abc-1"')).toBe("abc-1");
    expect(keyOf('"a\\"b"')).toBe('a"b');
  });

  it("refuses an empty, overlong, spaced or non-ASCII key on field Idempotency-Key", () => {
    for (const bad of ["", '""', "x".repeat(256), "two words", "a, b", "clé", "tab\there"]) {
      const err = refusal(bad);
      expect(err.code).toBe(Code.InvalidArgument);
      expect(err.findDetails(BadRequestSchema)[0].fieldViolations[0].field).toBe("Idempotency-Key");
    }
  });
});

describe("requestFingerprint", () => {
  const borrow = BookService.method.borrowBook;
  const request = (json: Record<string, string>) => fromJson(BorrowBookRequestSchema, json);

  it("is the same for the same request however it was decoded (REST JSON or a built message)", () => {
    const id = "3f1e2d3c-0000-4000-8000-000000000001";
    const fromRest = requestFingerprint(borrow, request({ id, userId: "" }));
    expect(requestFingerprint(borrow, create(BorrowBookRequestSchema, { id }))).toEqual(fromRest);
    expect(fromRest).toHaveLength(32);
  });

  it("differs for another field value or another method", () => {
    const id = "3f1e2d3c-0000-4000-8000-000000000001";
    const base = requestFingerprint(borrow, request({ id }));
    expect(requestFingerprint(borrow, request({ id: id.replace(/1$/, "2") }))).not.toEqual(base);
    expect(requestFingerprint(borrow, request({ id, userId: "3f1e2d3c-0000-4000-8000-000000000009" }))).not.toEqual(base);
    expect(requestFingerprint(BookService.method.returnBook, fromJson(ReturnBookRequestSchema, { id }))).not.toEqual(base);
  });

  it("names methods as gRPC paths do", () => {
    expect(methodName(borrow)).toBe("library.book.v1.BookService/BorrowBook");
  });
});

describe("who owns a key and its lock", () => {
  it("scopes keys to the verified user, or to the peer services", () => {
    const ctx = new CallContext(BookService.method.borrowBook, { protocolName: "grpc", url: "/", header: new Headers() });
    expect(idempotencyCallerOf(ctx)).toBe("service");
    ctx.values.set(principalKey, { userId: "u-1", email: "u@example.test", role: "ROLE_MEMBER" });
    expect(idempotencyCallerOf(ctx)).toBe("user:u-1");
  });

  it("derives one 64-bit lock key per (caller, key), never the same for a shifted boundary", () => {
    const lock = lockKeyOf("user:u-1", "k");
    expect(lockKeyOf("user:u-1", "k")).toBe(lock);
    expect(BigInt(lock) >= -(2n ** 63n) && BigInt(lock) < 2n ** 63n).toBe(true);
    expect(lockKeyOf("user:u-1k", "")).not.toBe(lockKeyOf("user:u-1", "k"));
    expect(lockKeyOf("user:u-2", "k")).not.toBe(lock);
  });
});
