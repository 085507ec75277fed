// The methods that take an Idempotency-Key (DESIGN.md §8) and what both OpenAPI generators
// say of it: the header parameter, the replay header of the answer, the 409 of a key in use
// and a sentence naming the reasons. The one list to extend.

/** Methods whose handler runs under `inIdempotentTransaction` (REST header / gRPC metadata `idempotency-key`). */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set<string>(["BorrowBook", "ReturnBook", "CheckOut", "CheckIn", "RenewLoan"]);

/** True when `method` takes an Idempotency-Key. */
export function isIdempotent(method: string): boolean {
  return IDEMPOTENT_METHODS.has(method);
}

/** The request header's name, its constraints (1..255 visible ASCII) and its description. */
export const IDEMPOTENCY_KEY_PARAMETER = {
  name: "Idempotency-Key",
  description:
    "Makes a retry safe: the same key from the same caller within 24 h answers the first answer again " +
    "(header Idempotency-Replayed: true) instead of acting twice. 1 to 255 visible ASCII characters, e.g. a UUID.",
  constraints: { minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7E]+$" },
} as const;

/** The answer header of a replayed answer, with its description. */
export const IDEMPOTENCY_REPLAYED_NOTE = {
  name: "Idempotency-Replayed",
  description: "`true` when this is the recorded first answer to the same Idempotency-Key, given again.",
} as const;

const IDEMPOTENCY_SENTENCE =
  "Takes an `Idempotency-Key` header (gRPC metadata `idempotency-key`): a retry with the same key gets the first answer " +
  "again, refusals included, with `Idempotency-Replayed: true`; the key with another request is refused 400 " +
  "`IDEMPOTENCY_KEY_REUSED`, and while the first request still runs 409 `IDEMPOTENCY_KEY_IN_USE`.";

/** `description` with, for an idempotent method, the sentence naming the key's header and reasons (put before the access rule's sentence, which ends every description). */
export function withIdempotencySentence(description: string, method: string): string {
  if (!isIdempotent(method)) return description;
  return [description, IDEMPOTENCY_SENTENCE].filter((s) => s !== "").join(" ");
}
