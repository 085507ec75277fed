import { createClient } from "@connectrpc/connect";
import { AuthService } from "@lms/gen/library/auth/v1/auth_pb";
import { rest } from "@lms/platform/testing/rest-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isCardNumber } from "../src/domain/patron-fields.js";
import { ADMIN, type AuthSuite, type Body, newMember, post, startAuthSuite, stopAuthSuite } from "./auth-test-app.js";

const SERVER_KEY = "patrons-integration-key";
const WITH_KEY = { headers: { "x-server-key": SERVER_KEY } };
/** Well-formed (check digit 9) but the last number of the sequence, never reached here. */
const UNKNOWN_CARD = "9999999999";

// DESIGN.md §8 Patrons on a real PostgreSQL: card numbers, GetUser, ListUsers, BatchGetUsers.
describe("patrons (PostgreSQL)", () => {
  let suite: AuthSuite;
  let admin: string;
  const get = (path: string, token?: string) => rest<Body>(suite.base, "GET", path, { token });
  const cardOf = async (id: string) =>
    (await suite.app.db.pool.query<{ card_number: string }>("select card_number from users where id = $1", [id])).rows[0].card_number;

  beforeAll(async () => {
    suite = await startAuthSuite({ SERVER_KEY });
    admin = String((await post(suite.base, "login", ADMIN)).body.accessToken);
  });
  afterAll(() => stopAuthSuite(suite));

  describe("card numbers", () => {
    it("gives every account, the first admin's too, a valid card and the default group at Register", async () => {
      const reg = await post(suite.base, "register", { email: "card@example.org", password: "member-pass-1", name: "Card" });
      expect(reg.status).toBe(201);
      const user = reg.body.user as Body;
      expect(user.patronGroup).toBe("default");
      expect(isCardNumber(String(user.cardNumber))).toBe(true);
      const { rows } = await suite.app.db.pool.query<{ card_number: string }>("select card_number from users where email = $1", [
        ADMIN.email,
      ]);
      expect(isCardNumber(rows[0].card_number)).toBe(true);
    });

    it("gives 12 concurrent registrations 12 different cards", async () => {
      const regs = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          post(suite.base, "register", { email: `burst${i}@example.org`, password: "member-pass-1", name: "B" }),
        ),
      );
      const cards = regs.map((r) => String((r.body.user as Body).cardNumber));
      expect(new Set(cards).size).toBe(12);
      expect(cards.every(isCardNumber)).toBe(true);
    });

    it("never gives a number again: not after its user is deleted, nor after a refused registration", async () => {
      const gone = await newMember(suite.base, "gone@example.org");
      const goneCard = await cardOf(gone.id);
      await suite.app.db.pool.query("delete from users where id = $1", [gone.id]);
      expect((await post(suite.base, "register", { email: "card@example.org", password: "member-pass-1", name: "Dup" })).status).toBe(409);
      const next = await newMember(suite.base, "next@example.org");
      const nextCard = await cardOf(next.id);
      expect(nextCard).not.toBe(goneCard);
      expect(nextCard > goneCard).toBe(true);
      const { rows } = await suite.app.db.pool.query<{ n: number }>("select count(*)::int as n from users where card_number = $1", [
        goneCard,
      ]);
      expect(rows[0].n).toBe(0);
    });

    it("refuses a second user with a taken card number at the database (unique constraint)", async () => {
      const a = await newMember(suite.base, "taken-a@example.org");
      const b = await newMember(suite.base, "taken-b@example.org");
      const clash = suite.app.db.pool.query("update users set card_number = $1 where id = $2", [await cardOf(a.id), b.id]);
      await expect(clash).rejects.toMatchObject({ code: "23505", constraint: "users_card_number_key" });
    });
  });

  describe("GetUser", () => {
    it("answers a member their own account, 403 for another, and librarians anyone's (404 unknown)", async () => {
      const me = await newMember(suite.base, "self@example.org");
      const other = await newMember(suite.base, "other@example.org");
      const mine = await get(`/api/v1/users/${me.id}`, me.accessToken);
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({ id: me.id, email: "self@example.org", role: "ROLE_MEMBER", patronGroup: "default" });
      expect(mine.body.cardNumber).toBe(await cardOf(me.id));
      expect((await get(`/api/v1/users/${other.id}`, me.accessToken)).status).toBe(403);
      expect((await get(`/api/v1/users/${other.id}`, admin)).body).toMatchObject({ id: other.id });
      expect((await get("/api/v1/users/3f1e2d3c-0000-4000-8000-000000000000", admin)).status).toBe(404);
      expect((await get(`/api/v1/users/${me.id}`)).status).toBe(401);
      expect((await get("/api/v1/users/not-a-uuid", admin)).status).toBe(400);
    });
  });

  describe("ListUsers", () => {
    beforeAll(async () => {
      for (const [email, name] of [
        ["ged@earthsea.org", "Sparrowhawk"],
        ["tenar@atuan.org", "Tenar of Atuan"],
        ["tehanu@earthsea.org", "Therru"],
      ]) {
        await post(suite.base, "register", { email, password: "member-pass-1", name });
      }
    });
    const list = async (query: string, token = admin) => {
      const res = await get(`/api/v1/users${query}`, token);
      expect(res.status).toBe(200);
      return res.body as { users: Body[]; nextPageToken: string; totalSize: number };
    };

    it("searches the email and the name case-insensitively, and card numbers by their first digits", async () => {
      expect((await list("?q=EARTHSEA")).users.map((u) => u.email)).toEqual(["ged@earthsea.org", "tehanu@earthsea.org"]);
      expect((await list("?q=atuan")).users.map((u) => u.name)).toEqual(["Tenar of Atuan"]);
      expect((await list("?q=sparrow")).totalSize).toBe(1);
      const card = String((await list("?q=therru")).users[0].cardNumber);
      expect((await list(`?q=${card}`)).users.map((u) => u.name)).toEqual(["Therru"]);
      const prefix = await list(`?q=${card.slice(0, 8)}&pageSize=100`);
      expect(prefix.users.every((u) => String(u.cardNumber).startsWith(card.slice(0, 8)))).toBe(true);
      expect(prefix.users.map((u) => u.name)).toContain("Therru");
      expect((await list("?q=%25")).totalSize).toBe(0);
    });

    it("pages through every user by name, each once, with totalSize", async () => {
      const all = await list("?pageSize=100");
      const seen: string[] = [];
      let token = "";
      do {
        const page = await list(`?pageSize=4${token ? `&pageToken=${token}` : ""}`);
        expect(page.totalSize).toBe(all.totalSize);
        seen.push(...page.users.map((u) => String(u.id)));
        token = page.nextPageToken;
      } while (token);
      expect(seen).toEqual(all.users.map((u) => u.id));
      expect(new Set(seen).size).toBe(all.totalSize);
    });

    it("refuses members (403), a bad page size and a foreign page token (400)", async () => {
      const member = await newMember(suite.base, "lister@example.org");
      expect((await get("/api/v1/users", member.accessToken)).status).toBe(403);
      expect((await get("/api/v1/users?pageSize=101", admin)).status).toBe(400);
      const first = await list("?pageSize=1");
      expect((await get(`/api/v1/users?q=x&pageToken=${first.nextPageToken}`, admin)).status).toBe(400);
    });
  });

  describe("BatchGetUsers (gRPC only, server key)", () => {
    it("finds users by id and by card number, in the order asked, leaving unknown ones out", async () => {
      const client = createClient(AuthService, suite.app.transport);
      const a = await newMember(suite.base, "batch-a@example.org");
      const b = await newMember(suite.base, "batch-b@example.org");
      const bCard = await cardOf(b.id);
      const unknown = "3f1e2d3c-0000-4000-8000-000000000000";
      const res = await client.batchGetUsers({ ids: [b.id, unknown, a.id], cardNumbers: [bCard, UNKNOWN_CARD] }, WITH_KEY);
      expect(res.users.map((u) => u.email)).toEqual(["batch-b@example.org", "batch-a@example.org"]);
      expect(res.users[0]).toMatchObject({ cardNumber: bCard, patronGroup: "default" });
      const byCard = await client.batchGetUsers({ cardNumbers: [` ${bCard} `] }, WITH_KEY);
      expect(byCard.users.map((u) => u.id)).toEqual([b.id]);
      await expect(client.batchGetUsers({ ids: [a.id] })).rejects.toMatchObject({ code: 16 });
      await expect(client.batchGetUsers({ ids: ["x"], cardNumbers: ["123"] }, WITH_KEY)).rejects.toMatchObject({ code: 3 });
    });
  });
});
