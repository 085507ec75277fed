import { notFound } from "@lms/platform";
import type { Patron, PatronDirectory } from "./ports.js";

/**
 * The borrower of a lend, as the auth service knows them, remembered for a short while: every
 * lend needs the borrower's patron group (it picks the loan policy) and proof they exist, and
 * asking the auth service each time would add a network round trip to every borrow. Users are
 * never deleted, so a remembered patron never turns into a missing one; a group changed by
 * UpdateUser reaches lending within `ttlMs`. Unknown users and card numbers are not remembered.
 */
export interface PatronLookup {
  /** The patron with this user id; NOT_FOUND with reason `USER_NOT_FOUND` when none. */
  byId(userId: string): Promise<Patron>;
  /** The patron holding this library card; `USER_NOT_FOUND` when none. */
  byCardNumber(cardNumber: string): Promise<Patron>;
}

export function createPatronLookup(directory: PatronDirectory, ttlMs: number, now: () => number = Date.now): PatronLookup {
  type Entry = { patron: Patron; until: number };
  // Keyed by id and by card number: a card is assigned once and never reused (DESIGN.md §8), and a
  // desk scans one patron's card for each of their items, so both lookups hit alike.
  const byId = new Map<string, Entry>();
  const byCard = new Map<string, Entry>();
  const MAX_ENTRIES = 10_000;

  const remember = (patron: Patron): Patron => {
    if (ttlMs <= 0) return patron;
    if (byId.size >= MAX_ENTRIES) {
      // bounded; a cold start costs one call per borrower
      byId.clear();
      byCard.clear();
    }
    const entry = { patron, until: now() + ttlMs };
    byId.set(patron.id.toLowerCase(), entry);
    byCard.set(patron.cardNumber, entry);
    return patron;
  };
  const fresh = (entry: Entry | undefined) => (entry && entry.until > now() ? entry.patron : undefined);

  return {
    async byId(userId) {
      const hit = fresh(byId.get(userId.toLowerCase()));
      if (hit) return hit;
      const [patron] = await directory.findPatrons({ ids: [userId] });
      if (!patron) throw userNotFound({ userId });
      return remember(patron);
    },
    async byCardNumber(cardNumber) {
      const hit = fresh(byCard.get(cardNumber));
      if (hit) return hit;
      const [patron] = await directory.findPatrons({ cardNumbers: [cardNumber] });
      if (!patron) throw userNotFound({ cardNumber });
      return remember(patron);
    },
  };
}

function userNotFound(metadata: { userId: string } | { cardNumber: string }) {
  const [[field, value]] = Object.entries(metadata);
  return notFound(field === "userId" ? "user" : "library card", value, "USER_NOT_FOUND", metadata);
}
