import { expect } from "vitest";
import type { Body } from "./fixtures.js";
import type { OpenApiChecker } from "./openapi-checker.js";

// The book service's circulation methods, as openapi-responses.e2e.spec.ts walks them: each
// called with success and with a client error through the checker, which validates every
// answer against the served OpenAPI 3.1 document.

/** An id no resource has. */
export const UNKNOWN_ID = "3f1e2d3c-0000-4000-8000-000000000000";

/** Circulation, loan policies, copies and the desk on `bookId` (which has copies on the shelf), as `admin` and new members. */
export async function walkCirculation(api: OpenApiChecker, admin: string, bookId: string): Promise<void> {
  await circulation(api, bookId);
  await loanPolicies(api, admin);
  await copies(api, admin, bookId);
  await desk(api, admin, bookId);
}

/** Borrow (an open loan: returnedAt null), list, return (returnedAt set), refusals with ErrorInfo. */
async function circulation(api: OpenApiChecker, bookId: string): Promise<void> {
  const { password } = api.example("AuthService_Register");
  const reader = { ...api.example("AuthService_Register"), email: "reader@example.org" };
  expect((await api.call("AuthService_Register", { body: reader })).status).toBeLessThan(300);
  const login = await api.call("AuthService_Login", { body: { email: reader.email, password } });
  const member = String(login.body.accessToken);
  const loan = { params: { id: bookId }, token: member };
  const borrowed = await api.call("BookService_BorrowBook", { ...loan, body: api.example("BookService_BorrowBook") });
  expect(borrowed.status).toBe(200);
  expect((borrowed.body.loan as Body).returnedAt).toBeNull();
  const again = await api.call("BookService_BorrowBook", { ...loan, body: api.example("BookService_BorrowBook") });
  expect(again.status).toBe(400);
  expect(again.body.details?.[0]).toMatchObject({ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "ALREADY_BORROWED" });
  const open = await api.call("BookService_ListLoans", { token: member, query: { status: "open" } });
  expect((open.body.loans as Body[])[0]?.returnedAt).toBeNull();
  expect((await api.call("BookService_ListLoans", { token: member, query: { userId: UNKNOWN_ID } })).status).toBe(403);
  await renewAndCheck(api, bookId, member, String((borrowed.body.loan as Body).id));
  const returned = await api.call("BookService_ReturnBook", { ...loan, body: api.example("BookService_ReturnBook") });
  expect((returned.body.loan as Body).returnedAt).toEqual(expect.any(String));
  const notBorrowed = await api.call("BookService_ReturnBook", { ...loan, body: api.example("BookService_ReturnBook") });
  expect(notBorrowed.status).toBe(400);
}

/** RenewLoan (the example, then an unknown loan: 404) and CheckBorrow (two blockers, then an unknown book: 404). */
async function renewAndCheck(api: OpenApiChecker, bookId: string, member: string, loanId: string): Promise<void> {
  const renew = { params: { id: loanId }, body: api.example("BookService_RenewLoan"), token: member };
  expect(((await api.call("BookService_RenewLoan", renew)).body.loan as Body).renewalCount).toBe(1);
  expect((await api.call("BookService_RenewLoan", { ...renew, params: { id: UNKNOWN_ID } })).status).toBe(404);
  const check = await api.call("BookService_CheckBorrow", { params: { id: bookId }, token: member });
  expect((check.body.blockers as Body[]).map((b) => b.reason)).toContain("ALREADY_BORROWED");
  expect((await api.call("BookService_CheckBorrow", { params: { id: UNKNOWN_ID }, token: member })).status).toBe(404);
}

/** Loan policies: listed to anyone, written by librarians; the (*, *) row is undeletable (DEFAULT_POLICY). */
async function loanPolicies(api: OpenApiChecker, admin: string): Promise<void> {
  const key = { params: { patronGroup: "student", loanType: "dvd" }, token: admin };
  expect((await api.call("BookService_PutLoanPolicy", { ...key, body: api.example("BookService_PutLoanPolicy") })).status).toBe(200);
  expect((await api.call("BookService_PutLoanPolicy", { ...key, body: { loanDays: 366 } })).status).toBe(400);
  expect((await api.call("BookService_ListLoanPolicies")).status).toBe(200);
  expect((await api.call("BookService_ListLoanPolicies", { token: "not-a-token" })).status).toBe(401);
  expect((await api.call("BookService_DeleteLoanPolicy", key)).status).toBe(200);
  const defaultRow = await api.call("BookService_DeleteLoanPolicy", { ...key, params: { patronGroup: "*", loanType: "*" } });
  expect(defaultRow.body.details?.[0]).toMatchObject({ reason: "DEFAULT_POLICY" });
}

/** The copy methods: list, add (the example, then a taken barcode: 409), a status change (and a stale If-Match: 412), a barcode lookup. */
async function copies(api: OpenApiChecker, admin: string, bookId: string): Promise<void> {
  expect((await api.call("BookService_ListCopies", { params: { bookId } })).status).toBe(200);
  expect((await api.call("BookService_ListCopies", { params: { bookId: UNKNOWN_ID } })).status).toBe(404);
  const add = { params: { bookId }, token: admin };
  const added = await api.call("BookService_AddCopies", { ...add, body: api.example("BookService_AddCopies") });
  expect(added.status).toBe(200);
  const [copy] = added.body.copies as Body[];
  expect((await api.call("BookService_AddCopies", { ...add, body: { barcodes: [copy.barcode] } })).status).toBe(409);
  const update = { params: { id: String(copy.id) }, token: admin };
  expect((await api.call("BookService_UpdateCopy", { ...update, body: api.example("BookService_UpdateCopy") })).status).toBe(200);
  expect((await api.call("BookService_UpdateCopy", { ...update, body: { status: "COPY_STATUS_ON_LOAN" } })).status).toBe(400);
  const stale = { ...update, body: api.example("BookService_UpdateCopy"), headers: { "if-match": '"not-the-current-tag"' } };
  expect((await api.call("BookService_UpdateCopy", stale)).status).toBe(412);
  const lookup = (barcode: string) => api.call("BookService_LookupBarcode", { params: { barcode }, token: admin });
  expect((await lookup(String(copy.barcode))).body.openLoan).toBeNull();
  expect((await lookup("NO-SUCH-COPY")).status).toBe(404);
}

/** The desk: a copy checked out to a patron by card number (the example, barcode and card swapped), then in; each refused the second time. */
async function desk(api: OpenApiChecker, admin: string, bookId: string): Promise<void> {
  const body = { ...api.example("AuthService_Register"), email: "desk@example.org" };
  const patron = (await api.call("AuthService_Register", { body })).body.user as Body;
  const listed = await api.call("BookService_ListCopies", { params: { bookId } });
  const onShelf = (listed.body.copies as Body[]).find((c) => c.status === "COPY_STATUS_AVAILABLE");
  const barcode = String(onShelf?.barcode);
  const out = { body: { ...api.example("BookService_CheckOut"), barcode, patron: patron.cardNumber }, token: admin };
  expect((await api.call("BookService_CheckOut", out)).status).toBe(200);
  const again = await api.call("BookService_CheckOut", out);
  expect([again.status, again.body.details?.[0]?.reason]).toEqual([400, "ALREADY_BORROWED"]);
  const back = { body: { ...api.example("BookService_CheckIn"), barcode }, token: admin };
  expect((await api.call("BookService_CheckIn", back)).status).toBe(200);
  const notOnLoan = await api.call("BookService_CheckIn", back);
  expect([notOnLoan.status, notOnLoan.body.details?.[0]?.reason]).toEqual([400, "COPY_NOT_ON_LOAN"]);
}
