import { dictionary } from "@zxcvbn-ts/language-common";

/**
 * The ~49 000 most common passwords of zxcvbn-ts's common dictionary (@zxcvbn-ts/language-common,
 * MIT, pinned), lower-cased: a password is refused when it is one of them in any case.
 */
const COMMON = new Set(dictionary["passwords-common"].map((p) => p.toLowerCase()));

/** True when `password`, ignoring case, is on the common-password list. */
export function isCommonPassword(password: string): boolean {
  return COMMON.has(password.toLowerCase());
}
