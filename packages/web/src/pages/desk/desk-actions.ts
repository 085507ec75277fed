// What the desk's two buttons do (DESIGN §8 CheckOut / CheckIn), and the sentence each outcome
// is told in. A patron typed as an email is first resolved to its account with ListUsers.
import type { Api } from "../../api/client.js";
import { call, idempotencyKey } from "../../api/client.js";
import { ApiError, FieldProblem } from "../../api/errors.js";
import type { User } from "../../api/types.js";
import { formatDate } from "../../ui/format.js";

const CARD_NUMBER = /^[0-9]{10}$/;
const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DeskOutcome {
  kind: "out" | "in";
  sentence: string;
}

/** The `patron` CheckOut takes (a card number or user id), and the account when it was looked up. */
export async function resolvePatron(api: Api, typed: string): Promise<{ patron: string; user?: User }> {
  const text = typed.trim();
  if (!text) throw new FieldProblem("patron", "Enter the patron's library card number or email.");
  const compact = text.replace(/[\s-]/g, "");
  if (CARD_NUMBER.test(compact)) return { patron: compact };
  if (USER_ID.test(text)) return { patron: text };
  if (!text.includes("@")) {
    throw new FieldProblem("patron", "Enter a library card number (10 digits) or the patron's email address.");
  }
  const email = text.toLowerCase();
  const { users } = await call(api.GET("/api/v1/users", { params: { query: { q: email, pageSize: 10 } } }));
  const matches = users.filter((u) => u.email.toLowerCase() === email);
  if (matches.length === 0) throw new FieldProblem("patron", `No patron has the email ${email}.`);
  if (matches.length > 1) throw new FieldProblem("patron", `More than one account has the email ${email}; use the card number.`);
  const user = matches[0] as User;
  return { patron: user.id, user };
}

/** A title for the message; the barcode stands in when the book cannot be read. */
async function titleOf(api: Api, bookId: string, barcode: string): Promise<string> {
  try {
    return `“${(await call(api.GET("/api/v1/books/{id}", { params: { path: { id: bookId } } }))).title}”`;
  } catch {
    return `the copy ${barcode}`;
  }
}

async function patronOf(api: Api, userId: string, known?: User): Promise<string> {
  try {
    const user = known ?? (await call(api.GET("/api/v1/users/{id}", { params: { path: { id: userId } } })));
    return `${user.name} (card ${user.cardNumber})`;
  } catch {
    return "the patron";
  }
}

/** A 404 without a reason from CheckOut/CheckIn is the scanned barcode. */
function barcodeRefusal(error: unknown, barcode: string): unknown {
  if (error instanceof ApiError && error.status === 404 && !error.reason) {
    return new FieldProblem("barcode", `No copy has the barcode ${barcode}.`);
  }
  return error;
}

export async function checkOut(api: Api, typedPatron: string, typedBarcode: string): Promise<DeskOutcome> {
  const barcode = typedBarcode.trim();
  if (!barcode) throw new FieldProblem("barcode", "Scan or type the copy's barcode.");
  const { patron, user } = await resolvePatron(api, typedPatron);
  const { loan } = await call(
    api.POST("/api/v1/circulation/check-out", {
      params: { header: { "Idempotency-Key": idempotencyKey() } },
      body: { barcode, patron },
    }),
  ).catch((e: unknown) => {
    throw barcodeRefusal(e, barcode);
  });
  const [title, who] = await Promise.all([titleOf(api, loan.bookId, loan.barcode || barcode), patronOf(api, loan.userId, user)]);
  return { kind: "out", sentence: `Checked out ${title} (${loan.barcode || barcode}) to ${who}. Due back ${formatDate(loan.dueAt)}.` };
}

export async function checkIn(api: Api, typedBarcode: string): Promise<DeskOutcome> {
  const barcode = typedBarcode.trim();
  if (!barcode) throw new FieldProblem("barcode", "Scan or type the copy's barcode.");
  const { loan, copy } = await call(
    api.POST("/api/v1/circulation/check-in", {
      params: { header: { "Idempotency-Key": idempotencyKey() } },
      body: { barcode },
    }),
  ).catch((e: unknown) => {
    throw barcodeRefusal(e, barcode);
  });
  const [title, who] = await Promise.all([titleOf(api, copy.bookId, copy.barcode), patronOf(api, loan.userId)]);
  const late =
    loan.returnedAt && Date.parse(loan.returnedAt) > Date.parse(loan.dueAt) ? ` It was overdue (due ${formatDate(loan.dueAt)}).` : "";
  return {
    kind: "in",
    sentence: `Checked in ${title} (${copy.barcode}) from ${who}. The copy is back on the shelf.${late}`,
  };
}
