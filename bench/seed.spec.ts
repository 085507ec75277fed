import { randomBytes } from "node:crypto";
import { TEST_SERVER_URL, testServerAnswers } from "@lms/platform/testing/test-database";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { checkpoint } from "./seed.js";

const server = await testServerAnswers();

describe.skipIf(!server)("the CHECKPOINT after seeding", () => {
  it("takes its time as a superuser, and reports the refusal to a role without the right", async () => {
    const done = await checkpoint(TEST_SERVER_URL);
    expect(done).toHaveProperty("ms");
    expect((done as { ms: number }).ms).toBeGreaterThanOrEqual(0);

    const role = `bench_spec_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
    await admin.connect();
    try {
      await admin.query(`create role ${role} login`);
      const url = new URL(TEST_SERVER_URL);
      url.username = role;
      const refused = await checkpoint(url.toString());
      expect(refused).toEqual({ refused: expect.stringMatching(/permission|superuser|pg_checkpoint/i) });
    } finally {
      await admin.query(`drop role if exists ${role}`);
      await admin.end();
    }
  });
});
