// Turns a failed call into sentences for people (DESIGN §3 body → words); screens never show JSON.
import { REASON_TEXT, STAFF_REASON_TEXT, statusText } from "./reasons.js";

interface Detail {
  "@type"?: string;
  reason?: string;
  fieldViolations?: { field?: string; description?: string }[];
}

/** A failed REST call: `sentences` are ready to show; `reason` is the ErrorInfo reason when there is one. */
export class ApiError extends Error {
  readonly status: number;
  readonly reason: string | undefined;
  readonly sentences: string[];
  /** Field name (as the API spells it) → what is wrong with it. */
  readonly fields: Readonly<Record<string, string>>;

  constructor(status: number, body: unknown) {
    const { reason, sentences, fields } = describe(status, body);
    super(sentences.join(" "));
    this.name = "ApiError";
    this.status = status;
    this.reason = reason;
    this.sentences = sentences;
    this.fields = fields;
  }
}

function details(body: unknown): Detail[] {
  if (typeof body !== "object" || body === null || !("details" in body) || !Array.isArray(body.details)) return [];
  return body.details.filter((d): d is Detail => typeof d === "object" && d !== null);
}

function serverMessage(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || !("message" in body) || typeof body.message !== "string") return undefined;
  const text = body.message.trim();
  // Only a sentence, never a blob that looks like data.
  return text && !/^[[{]/.test(text) ? text : undefined;
}

/** API field names whose form label is not their words (DESIGN §9 names). */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  isbn: "ISBN",
  authorId: "Author",
  categoryIds: "Categories",
  totalCopies: "Copies",
  parentId: "Parent",
};

/** "publishedYear" → "Published year"; "categoryIds[0]" → "Categories". */
export function fieldLabel(field: string): string {
  const last = (field.split(".").at(-1) ?? field).replace(/\[\d+\]$/, "");
  const known = FIELD_LABELS[last];
  if (known) return known;
  const words = last
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/_/g, " ")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function describe(status: number, body: unknown) {
  const all = details(body);
  const reason = all.find((d) => typeof d.reason === "string")?.reason;
  const fields: Record<string, string> = {};
  for (const v of all.flatMap((d) => d.fieldViolations ?? [])) {
    if (v.field) fields[v.field] = v.description ?? "is not valid";
  }
  const sentences: string[] = [];
  const known = reason ? REASON_TEXT[reason] : undefined;
  if (known) sentences.push(known);
  else if (Object.keys(fields).length > 0) {
    for (const [field, why] of Object.entries(fields)) sentences.push(`${fieldLabel(field)}: ${why}.`.replace(/\.\.$/, "."));
  } else sentences.push(status >= 500 ? statusText(status) : (serverMessage(body) ?? statusText(status)));
  return { reason, sentences, fields };
}

/** A problem found before calling the API (e.g. no patron with that email), about one form field. */
export class FieldProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "FieldProblem";
  }
}

/** Field name → what is wrong with it, from an API refusal or a FieldProblem; {} otherwise. */
export function fieldProblems(error: unknown): Readonly<Record<string, string>> {
  if (error instanceof ApiError) return error.fields;
  if (error instanceof FieldProblem) return { [error.field]: error.message };
  return {};
}

/**
 * Words for anything a query or mutation may throw (API refusals, lost network, bugs).
 * `voice: "staff"` words refusals about a patron or record instead of "you" (STAFF_REASON_TEXT).
 */
export function errorSentences(error: unknown, voice: "patron" | "staff" = "patron"): string[] {
  if (error instanceof ApiError) {
    const staff = voice === "staff" && error.reason ? STAFF_REASON_TEXT[error.reason] : undefined;
    return staff ? [staff] : error.sentences;
  }
  if (error instanceof FieldProblem) return [error.message];
  if (error instanceof TypeError) return ["The library server could not be reached. Check your connection and try again."];
  return ["Something went wrong. Try again."];
}
