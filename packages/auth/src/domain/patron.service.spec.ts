import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema, ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import type { Principal, Transaction } from "@lms/platform";
import { describe, expect, it } from "vitest";
import { batchGetUsers, getUser, MAX_BATCH, updateUser, userEtag } from "./patron.service.js";
import type { User } from "./user.js";

const ID = "0b6f3a52-3c1d-4f55-9a53-8f1e2c7d9a10";
const OTHER = "7d2f0c8e-1a4b-4c3d-9e8f-0a1b2c3d4e5f";

/** A transaction that records statements and answers `rows` (none by default): refusals must come before any SQL. */
function recordingDb(rows: object[] = []) {
  const statements: string[] = [];
  const db = {
    query: async (sql: string) => {
      statements.push(sql);
      return { rows, rowCount: rows.length };
    },
  } as unknown as Transaction;
  return { db, statements };
}

/** Code and named fields of the refusal `p` rejects with. */
async function refusal(p: Promise<unknown>) {
  const err = ConnectError.from(
    await p.then(
      () => new Error("expected a refusal"),
      (e: unknown) => e,
    ),
  );
  return { code: err.code, fields: err.findDetails(BadRequestSchema).flatMap((d) => d.fieldViolations.map((v) => v.field)) };
}

describe("updateUser", () => {
  it("names every invalid field at once (id, name, patronGroup) and runs no SQL", async () => {
    const { db, statements } = recordingDb();
    expect(await refusal(updateUser(db, "nope", { name: "  ", patronGroup: "*" }))).toEqual({
      code: Code.InvalidArgument,
      fields: ["id", "name", "patronGroup"],
    });
    expect(statements).toEqual([]);
  });

  it("checks only the fields of the patch", async () => {
    const { db } = recordingDb();
    expect(await refusal(updateUser(db, ID, { patronGroup: "no spaces" }))).toEqual({
      code: Code.InvalidArgument,
      fields: ["patronGroup"],
    });
  });

  it("answers NOT_FOUND for an unknown user, whether or not the patch is empty", async () => {
    const { db, statements } = recordingDb();
    expect((await refusal(updateUser(db, ID, { patronGroup: "Staff" }))).code).toBe(Code.NotFound);
    expect((await refusal(updateUser(db, ID, {}))).code).toBe(Code.NotFound);
    expect(statements).toHaveLength(2);
    for (const sql of statements) expect(sql).toMatch(/^select .* for update$/);
  });

  it("refuses a stale If-Match with ABORTED ETAG_MISMATCH after locking the row, and writes nothing", async () => {
    const row = { id: ID, email: "m@x.org", name: "Reader", role: "ROLE_MEMBER", created_at: new Date(), patron_group: "default" };
    const { db, statements } = recordingDb([{ ...row, card_number: "1000000008", version: "1700000000000001" }]);
    const stale = userEtag({ id: ID, version: "1700000000000000" } as User);
    const err = ConnectError.from(await updateUser(db, ID, { name: "Other" }, stale).catch((e: unknown) => e));
    expect([err.code, err.findDetails(ErrorInfoSchema)[0]?.reason]).toEqual([Code.Aborted, "ETAG_MISMATCH"]);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/for update$/);
  });
});

describe("getUser", () => {
  const member: Principal = { userId: ID, email: "m@x.org", role: "ROLE_MEMBER" };

  it("refuses a member another user's account with PERMISSION_DENIED before looking it up", async () => {
    const { db, statements } = recordingDb();
    expect((await refusal(getUser(db, member, OTHER))).code).toBe(Code.PermissionDenied);
    expect(statements).toEqual([]);
  });

  it("lets a member and a librarian look up (NOT_FOUND here, as the fake has no rows)", async () => {
    const { db } = recordingDb();
    expect((await refusal(getUser(db, member, ID.toUpperCase()))).code).toBe(Code.NotFound);
    expect((await refusal(getUser(db, { ...member, role: "ROLE_LIBRARIAN" }, OTHER))).code).toBe(Code.NotFound);
  });

  it("refuses a malformed id with INVALID_ARGUMENT naming id", async () => {
    const { db } = recordingDb();
    expect(await refusal(getUser(db, member, "42"))).toEqual({ code: Code.InvalidArgument, fields: ["id"] });
  });
});

describe("batchGetUsers", () => {
  it("names every malformed id and card number at once, by position", async () => {
    const { db, statements } = recordingDb();
    const req = { ids: [ID, "x", ""], cardNumbers: ["1000000008", "1000000009", "12"] };
    expect(await refusal(batchGetUsers(db, req))).toEqual({
      code: Code.InvalidArgument,
      fields: ["ids[1]", "ids[2]", "cardNumbers[1]", "cardNumbers[2]"],
    });
    expect(statements).toEqual([]);
  });

  it("refuses more than MAX_BATCH entries in all", async () => {
    const { db } = recordingDb();
    const req = { ids: Array(MAX_BATCH).fill(ID), cardNumbers: ["1000000008"] };
    expect(await refusal(batchGetUsers(db, req))).toEqual({ code: Code.InvalidArgument, fields: ["ids"] });
  });

  it("asks nothing of the database for an empty request", async () => {
    const { db, statements } = recordingDb();
    expect(await batchGetUsers(db, { ids: [], cardNumbers: [] })).toEqual([]);
    expect(statements).toEqual([]);
  });
});
