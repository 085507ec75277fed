import { create } from "@bufbuild/protobuf";
import { ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { invalidArgument, trimmedText } from "@lms/platform";
import { isCommonPassword } from "./common-passwords.js";

/** Longest email address (RFC 5321 path limit). */
const MAX_EMAIL = 254;
const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;
/**
 * Characters that draw nothing or steer the text (zero-width space and joiners, word joiner,
 * BOM, soft hyphen, bidi controls, other format and control characters, lone surrogates):
 * refused in emails, where they would make look-alike accounts.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;
const MIN_PASSWORD = 8;
/** Bounds the work argon2 is asked to do per request. */
const MAX_PASSWORD = 256;

/**
 * The one form of an email that every lookup and the database use: NFKC-normalised (full-width
 * and other compatibility forms folded), trimmed, lower-cased.
 */
export function normalizeEmail(email: string): string {
  return email.normalize("NFKC").trim().toLowerCase().normalize("NFKC");
}

/** A well-formed email address, normalised; INVALID_ARGUMENT naming `email` otherwise. */
export function validEmail(email: string): string {
  const normal = emailForm(email);
  if (!EMAIL.test(normal)) throw invalidArgument("email", "must be an email address");
  return normal;
}

/** A new password: 8..256 characters (code points), taken as given (never trimmed), not a common one. */
export function validNewPassword(password: string): string {
  const length = [...password].length;
  if (length < MIN_PASSWORD) throw invalidArgument("password", `must have at least ${MIN_PASSWORD} characters`);
  if (length > MAX_PASSWORD) throw invalidArgument("password", `must have at most ${MAX_PASSWORD} characters`);
  if (isCommonPassword(password)) throw passwordTooWeak();
  return password;
}

/** The email and password of a login attempt: present and within bounds (their shape is not revealed further). */
export function loginInput(email: string, password: string): { email: string; password: string } {
  const normal = emailForm(email);
  if (password === "") throw invalidArgument("password", "is required");
  if ([...password].length > MAX_PASSWORD) throw invalidArgument("password", `must have at most ${MAX_PASSWORD} characters`);
  return { email: normal, password };
}

/** A display name: 1..200 characters after trimming. */
export function validName(name: string): string {
  return trimmedText("name", name, 1, 200);
}

/** The normalised email: present, within bounds, free of invisible characters (looked for before trimming). */
function emailForm(email: string): string {
  if (INVISIBLE.test(email.normalize("NFKC"))) throw invalidArgument("email", "must not contain invisible or control characters");
  const normal = normalizeEmail(email);
  if (normal === "") throw invalidArgument("email", "is required");
  if (normal.length > MAX_EMAIL) throw invalidArgument("email", `must have at most ${MAX_EMAIL} characters`);
  return normal;
}

/** INVALID_ARGUMENT on `password` with ErrorInfo PASSWORD_TOO_WEAK (DESIGN.md §5). */
function passwordTooWeak() {
  const err = invalidArgument("password", "is one of the most common passwords; choose another");
  err.details.push({ desc: ErrorInfoSchema, value: create(ErrorInfoSchema, { reason: "PASSWORD_TOO_WEAK", domain: "" }) });
  return err;
}
