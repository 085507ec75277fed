import { invalidArgument } from "@lms/platform";

/**
 * ISBN-10 or ISBN-13 (hyphens and spaces allowed), checksum validated, always answered as the
 * 13 digits of its ISBN-13 form, so "0-306-40615-2" and "978-0-306-40615-7" are the same book.
 * Anything else is INVALID_ARGUMENT naming `isbn`.
 */
export function normalizeIsbn(value: string): string {
  const compact = value.replace(/[\s-]/g, "").toUpperCase();
  if (compact === "") throw invalidArgument("isbn", "is required");
  if (/^\d{9}[\dX]$/.test(compact)) {
    if (!isValidIsbn10(compact)) throw invalidArgument("isbn", "has an invalid ISBN-10 check digit");
    return isbn13Of(compact.slice(0, 9));
  }
  if (/^\d{13}$/.test(compact)) {
    if (isbn13CheckDigit(compact.slice(0, 12)) !== compact[12]) throw invalidArgument("isbn", "has an invalid ISBN-13 check digit");
    return compact;
  }
  throw invalidArgument("isbn", "must be an ISBN-10 or ISBN-13 (digits, hyphens and spaces)");
}

/**
 * The normalised digits of a search term that could be (the start of) an ISBN, or undefined:
 * a complete ISBN-10 becomes its ISBN-13, so searching either form finds the book.
 */
export function isbnSearchPrefix(q: string): string | undefined {
  const compact = q.replace(/[\s-]/g, "").toUpperCase();
  if (/^\d{9}[\dX]$/.test(compact) && isValidIsbn10(compact)) return isbn13Of(compact.slice(0, 9));
  return /^\d{1,13}$/.test(compact) ? compact : undefined;
}

function isValidIsbn10(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    // The pattern already admits "X" (ten) only as the check digit.
    sum += (digits[i] === "X" ? 10 : Number(digits[i])) * (10 - i);
  }
  return sum % 11 === 0;
}

function isbn13Of(first9OfIsbn10: string): string {
  const body = `978${first9OfIsbn10}`;
  return body + isbn13CheckDigit(body);
}

function isbn13CheckDigit(first12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return String((10 - (sum % 10)) % 10);
}
