import { invalidArgument, invalidArguments } from "@lms/platform";

/** Where a copy is (DESIGN.md §8); stored as these words in copies.status. */
export type CopyStatus = "available" | "on_loan" | "lost" | "withdrawn";

/** One item of a book: a physical copy with a barcode. */
export interface Copy {
  id: string;
  bookId: string;
  barcode: string;
  status: CopyStatus;
  createdAt: Date;
  updatedAt: Date;
  /** `updated_at` in microseconds since the epoch (PostgreSQL's precision), the basis of the ETag. */
  version: string;
}

/** The statuses a book's totalCopies counts (lost and withdrawn copies are not the library's to lend). */
export function countsInTotal(status: CopyStatus): boolean {
  return status === "available" || status === "on_loan";
}

/** Most copies one AddCopies call adds (by barcodes or by count): a cart of new stock, not a migration. */
export const MAX_COPIES_PER_CALL = 1000;

const BARCODE = /^[A-Za-z0-9-]{1,32}$/;

/** What a barcode must be, as a field violation says it. */
export const BARCODE_RULE = 'must be 1..32 characters of A-Z, a-z, 0-9 and "-"';

/** True for a barcode as a person or a scanner may give it: 1..32 of A-Z, a-z, 0-9 and "-". */
export function isBarcode(value: string): boolean {
  return BARCODE.test(value);
}

/** A barcode as a person or a scanner may give it: 1..32 of A-Z, a-z, 0-9 and "-", kept as given. */
export function requireBarcode(field: string, value: string): string {
  if (!BARCODE.test(value)) throw invalidArgument(field, BARCODE_RULE);
  return value;
}

/** What AddCopies adds: these barcodes, or `count` copies with generated ones. */
export type NewCopies = { barcodes: string[] } | { count: number };

/**
 * Checks an AddCopies request: exactly one of `barcodes` (1..1000, each valid, no two equal
 * ignoring case) and `count` (1..1000), naming every invalid entry at once.
 */
export function validateNewCopies(barcodes: readonly string[], count: number): NewCopies {
  if (barcodes.length > 0 && count !== 0) throw invalidArgument("count", "give barcodes or count, not both");
  if (barcodes.length === 0) {
    if (!Number.isInteger(count) || count < 1 || count > MAX_COPIES_PER_CALL) {
      throw invalidArgument("count", `must be 1..${MAX_COPIES_PER_CALL} (or give barcodes)`);
    }
    return { count };
  }
  if (barcodes.length > MAX_COPIES_PER_CALL) throw invalidArgument("barcodes", `at most ${MAX_COPIES_PER_CALL} barcodes`);
  const violations: { field: string; description: string }[] = [];
  const seen = new Map<string, number>();
  barcodes.forEach((barcode, i) => {
    const field = `barcodes[${i}]`;
    if (!BARCODE.test(barcode)) violations.push({ field, description: 'must be 1..32 characters of A-Z, a-z, 0-9 and "-"' });
    const first = seen.get(barcode.toUpperCase());
    if (first !== undefined) violations.push({ field, description: `repeats barcodes[${first}] (barcodes ignore case)` });
    else seen.set(barcode.toUpperCase(), i);
  });
  if (violations.length > 0) throw invalidArguments(violations);
  return { barcodes: [...barcodes] };
}

/** The statuses UpdateCopy may set; on loan is only ever set by lending. */
export function settableStatus(status: CopyStatus | undefined): status is Exclude<CopyStatus, "on_loan"> {
  return status === "available" || status === "lost" || status === "withdrawn";
}
