import { invalidArgument } from "@lms/platform";

/** The patron group of a new account (DESIGN.md §8). */
export const DEFAULT_PATRON_GROUP = "default";

const MAX_PATRON_GROUP = 32;
/** Checked before lower-casing, so no non-ASCII letter (the Kelvin sign K) folds into an ASCII one. */
const PATRON_GROUP = /^[A-Za-z0-9_-]+$/;
const CARD_NUMBER = /^[0-9]{10}$/;

/**
 * A patron group: trimmed, 1..32 of `[a-z0-9_-]`, lower-cased. `*` is refused: in a loan policy
 * it means "any group", so no patron may belong to it.
 */
export function validPatronGroup(value: string): string {
  const group = value.trim();
  if (group === "") throw invalidArgument("patronGroup", "is required");
  if (group === "*") throw invalidArgument("patronGroup", 'must not be "*" (in a loan policy it means any group)');
  if (group.length > MAX_PATRON_GROUP) throw invalidArgument("patronGroup", `must have at most ${MAX_PATRON_GROUP} characters`);
  if (!PATRON_GROUP.test(group)) throw invalidArgument("patronGroup", "may hold only letters a-z, digits, '_' and '-'");
  return group.toLowerCase();
}

/**
 * The Luhn check digit of a string of digits (from the right, every other digit doubled,
 * starting with the last). Migration 0003's `library_card_number` computes the same in SQL.
 */
export function luhnCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = Number(body[body.length - 1 - i]);
    sum += i % 2 === 0 ? ((digit * 2) % 10) + Math.floor((digit * 2) / 10) : digit;
  }
  return (10 - (sum % 10)) % 10;
}

/** True for a card number as the auth service assigns them: 10 digits, the last the Luhn check digit of the other nine. */
export function isCardNumber(text: string): boolean {
  return CARD_NUMBER.test(text) && luhnCheckDigit(text.slice(0, 9)) === Number(text[9]);
}

/** A card number (surrounding blanks trimmed, as a scanner may add them); INVALID_ARGUMENT naming `field` otherwise. */
export function validCardNumber(field: string, value: string): string {
  const card = value.trim();
  if (!CARD_NUMBER.test(card)) throw invalidArgument(field, "must be a card number of 10 digits");
  if (!isCardNumber(card)) throw invalidArgument(field, "has a wrong check digit (mistyped?)");
  return card;
}
