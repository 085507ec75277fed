import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { describe, expect, it } from "vitest";
import { createPatronLookup } from "./patron-cache.js";
import type { Patron, PatronDirectory } from "./ports.js";

const ada: Patron = { id: "0f5a2c1e-0000-4000-8000-000000000001", patronGroup: "staff", cardNumber: "1000000001" };

/** A directory that knows `patrons` and counts the calls it answers. */
function directory(patrons: Patron[]): PatronDirectory & { calls: number } {
  return {
    calls: 0,
    async findPatrons({ ids = [], cardNumbers = [] }) {
      this.calls++;
      return patrons.filter((p) => ids.includes(p.id) || cardNumbers.includes(p.cardNumber));
    },
  };
}

async function refusal(p: Promise<unknown>): Promise<ConnectError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConnectError);
  return err as ConnectError;
}

describe("createPatronLookup", () => {
  it("asks the directory once per borrower within the time to live, and again after it", async () => {
    let clock = 1_000;
    const dir = directory([ada]);
    const lookup = createPatronLookup(dir, 30_000, () => clock);
    expect(await lookup.byId(ada.id)).toEqual(ada);
    expect(await lookup.byId(ada.id.toUpperCase())).toEqual(ada);
    expect(dir.calls).toBe(1);
    clock += 30_001;
    await lookup.byId(ada.id);
    expect(dir.calls).toBe(2);
  });

  it("remembers a patron found by card number for lookups by id", async () => {
    const dir = directory([ada]);
    const lookup = createPatronLookup(dir, 30_000);
    expect(await lookup.byCardNumber("1000000001")).toEqual(ada);
    await lookup.byId(ada.id);
    expect(dir.calls).toBe(1);
  });

  it("remembers a card scanned again (a patron's next item at the desk), and a patron found by id for their card, within the time to live", async () => {
    let clock = 1_000;
    const dir = directory([ada]);
    const lookup = createPatronLookup(dir, 30_000, () => clock);
    await lookup.byId(ada.id);
    expect(await lookup.byCardNumber("1000000001")).toEqual(ada);
    expect(await lookup.byCardNumber("1000000001")).toEqual(ada);
    expect(dir.calls).toBe(1);
    clock += 30_001;
    await lookup.byCardNumber("1000000001");
    expect(dir.calls).toBe(2);
  });

  it("refuses an unknown user or card with NOT_FOUND reason USER_NOT_FOUND, and does not remember the miss", async () => {
    const dir = directory([]);
    const lookup = createPatronLookup(dir, 30_000);
    for (const miss of [lookup.byId(ada.id), lookup.byCardNumber("1000000001")]) {
      const err = await refusal(miss);
      expect(err.code).toBe(Code.NotFound);
      expect(err.findDetails(ErrorInfoSchema)[0]?.reason).toBe("USER_NOT_FOUND");
    }
    await refusal(lookup.byId(ada.id));
    expect(dir.calls).toBe(3);
  });

  it("asks every time when the time to live is 0", async () => {
    const dir = directory([ada]);
    const lookup = createPatronLookup(dir, 0);
    await lookup.byId(ada.id);
    await lookup.byId(ada.id);
    expect(dir.calls).toBe(2);
  });
});
