import { invalidArguments, isUuid } from "@lms/platform";
import { BARCODE_RULE, isBarcode } from "./copy.js";
import type { PatronLookup } from "./patron-cache.js";
import type { Patron } from "./ports.js";

/** Who a check-out lends to, as the desk typed or scanned it: a user id or a library card number. */
export type PatronRef = { userId: string } | { cardNumber: string };

/** A checked CheckOut request: the copy's barcode and the patron. */
export interface CheckOutScan {
  barcode: string;
  patron: PatronRef;
}

const CARD_NUMBER = /^[0-9]{10}$/;

/**
 * Checks a CheckOut request, naming every invalid field at once: `barcode` as copies take them,
 * `patron` a UUID or a 10-digit card number whose last digit is the Luhn check digit (checked
 * here so a mistyped card is a mistake of this request's field, not a question to the auth service).
 */
export function checkCheckOut(req: { barcode: string; patron: string }): CheckOutScan {
  const violations: { field: string; description: string }[] = [];
  if (!isBarcode(req.barcode)) violations.push({ field: "barcode", description: BARCODE_RULE });
  const patron = req.patron.trim();
  const problem = patronProblem(patron);
  if (problem) violations.push({ field: "patron", description: problem });
  if (violations.length > 0) throw invalidArguments(violations);
  return { barcode: req.barcode, patron: isUuid(patron) ? { userId: patron } : { cardNumber: patron } };
}

function patronProblem(patron: string): string | undefined {
  if (patron === "") return "is required: a user id or a library card number";
  if (isUuid(patron)) return undefined;
  if (!CARD_NUMBER.test(patron)) return "must be a user id (UUID) or a library card number of 10 digits";
  if (luhnCheckDigit(patron.slice(0, 9)) !== Number(patron[9])) return "has a wrong check digit (mistyped card number?)";
  return undefined;
}

/**
 * The Luhn check digit of a string of digits, as the auth service computes it for the card
 * numbers it assigns (services share no domain code, so the few lines are repeated here).
 */
export function luhnCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = Number(body[body.length - 1 - i]);
    sum += i % 2 === 0 ? ((digit * 2) % 10) + Math.floor((digit * 2) / 10) : digit;
  }
  return (10 - (sum % 10)) % 10;
}

/** The patron a check-out names, asked of the auth service (USER_NOT_FOUND when none). */
export function findPatron(patrons: PatronLookup, ref: PatronRef): Promise<Patron> {
  return "userId" in ref ? patrons.byId(ref.userId) : patrons.byCardNumber(ref.cardNumber);
}
