import { invalidArgument, trimmedText } from "@lms/platform";

/** Longest email address (RFC 5321 path limit). */
const MAX_EMAIL = 254;
const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;
const MIN_PASSWORD = 8;
/** Bounds the work argon2 is asked to do per request. */
const MAX_PASSWORD = 256;

/** Trims and lower-cases an email address; the form every lookup and the database use. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A well-formed email address, normalised; INVALID_ARGUMENT naming `email` otherwise. */
export function validEmail(email: string): string {
  const normal = normalizeEmail(email);
  if (normal === "") throw invalidArgument("email", "is required");
  if (normal.length > MAX_EMAIL) throw invalidArgument("email", `must have at most ${MAX_EMAIL} characters`);
  if (!EMAIL.test(normal)) throw invalidArgument("email", "must be an email address");
  return normal;
}

/** A new password: 8..256 characters (code points), taken as given (never trimmed). */
export function validNewPassword(password: string): string {
  const length = [...password].length;
  if (length < MIN_PASSWORD) throw invalidArgument("password", `must have at least ${MIN_PASSWORD} characters`);
  if (length > MAX_PASSWORD) throw invalidArgument("password", `must have at most ${MAX_PASSWORD} characters`);
  return password;
}

/** The email and password of a login attempt: present and within bounds (their shape is not revealed further). */
export function loginInput(email: string, password: string): { email: string; password: string } {
  const normal = normalizeEmail(email);
  if (normal === "") throw invalidArgument("email", "is required");
  if (normal.length > MAX_EMAIL) throw invalidArgument("email", `must have at most ${MAX_EMAIL} characters`);
  if (password === "") throw invalidArgument("password", "is required");
  if ([...password].length > MAX_PASSWORD) throw invalidArgument("password", `must have at most ${MAX_PASSWORD} characters`);
  return { email: normal, password };
}

/** A display name: 1..200 characters after trimming. */
export function validName(name: string): string {
  return trimmedText("name", name, 1, 200);
}
