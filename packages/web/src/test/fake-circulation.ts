// The circulation side of the staff API in memory (patrons, loan policies, the desk), mounted on a
// FakeApi next to a FakeCatalogue: enough of DESIGN §8 for the desk and Manage specs.
import type { Loan, LoanPolicy, User } from "../api/types.js";
import { apiError, type FakeApi, type FakeRole, type Handler, json } from "./fake-api.js";
import { FakeCatalogue } from "./fake-catalogue.js";
import { body, denied, NOW, newId, notFound, refusal, violation } from "./fake-staff.js";

const DUE = "2026-12-19T10:00:00Z";

export class FakeCirculation {
  readonly people = new Map<string, User>();
  readonly policies: LoanPolicy[] = [{ patronGroup: "*", loanType: "*", loanable: true, loanDays: 14, maxRenewals: 2, maxLoans: 5 }];
  readonly loans: Loan[] = [];
  /** Patrons refused with PATRON_BLOCKED. */
  readonly blocked = new Set<string>();

  constructor(
    private readonly api: FakeApi,
    private readonly catalogue: FakeCatalogue,
  ) {
    this.mountUsers();
    this.mountPolicies();
    this.mountDesk();
  }

  /** A user who can sign in (FakeApi.addUser) and whom ListUsers/GetUser know. */
  addPerson(email: string, name: string, cardNumber: string, role: FakeRole = "ROLE_MEMBER"): User {
    const id = this.api.addUser(email, `pw-${email}`, role);
    const user: User = { id, email, name, role, cardNumber, patronGroup: "default", createdAt: NOW };
    this.people.set(id, user);
    return user;
  }

  private write(method: string, path: string, handler: Handler, role: "librarian" | "admin" = "librarian"): void {
    this.api.on(method, path, (req, params) => denied(this.api, req, role) ?? handler(req, params));
  }

  private mountUsers(): void {
    this.write("GET", "/api/v1/users", (req) => {
      const q = (req.query.get("q") ?? "").toLowerCase();
      const users = [...this.people.values()].filter(
        (u) => u.email.includes(q) || u.name.toLowerCase().includes(q) || u.cardNumber.startsWith(q),
      );
      return json(200, { users, nextPageToken: "", totalSize: users.length });
    });
    this.write("GET", "/api/v1/users/{id}", (_req, { id = "" }) => {
      const user = this.people.get(id);
      return user ? json(200, user) : notFound("user");
    });
    this.write("PATCH", "/api/v1/users/{id}", (req, { id = "" }) => {
      const user = this.people.get(id);
      if (!user) return notFound("user");
      const { patronGroup = "", updateMask = "" } = body<{ patronGroup?: string; updateMask?: string }>(req);
      if (updateMask.includes("patronGroup")) {
        if (!/^[a-z0-9_-]{1,32}$/.test(patronGroup)) return violation("patronGroup", "must be 1 to 32 of a-z, 0-9, _ and -");
        user.patronGroup = patronGroup;
      }
      return json(200, user);
    });
    this.write(
      "PUT",
      "/api/v1/auth/users/{userId}/role",
      (req, { userId = "" }) => {
        const user = this.people.get(userId);
        if (!user) return notFound("user");
        user.role = body<{ role: User["role"] }>(req).role;
        return json(200, { user });
      },
      "admin",
    );
  }

  private mountPolicies(): void {
    this.api.on("GET", "/api/v1/loan-policies", () => json(200, { policies: this.policies }));
    this.write("PUT", "/api/v1/loan-policies/{patronGroup}/{loanType}", (req, { patronGroup = "", loanType = "" }) => {
      const input = body<Omit<LoanPolicy, "patronGroup" | "loanType">>(req);
      if (input.loanDays < 0 || input.loanDays > 365) return violation("loanDays", "must be between 0 and 365");
      const policy = { ...input, patronGroup, loanType };
      const i = this.policies.findIndex((p) => p.patronGroup === patronGroup && p.loanType === loanType);
      if (i >= 0) this.policies[i] = policy;
      else this.policies.push(policy);
      return json(200, policy);
    });
    this.write("DELETE", "/api/v1/loan-policies/{patronGroup}/{loanType}", (_req, { patronGroup, loanType }) => {
      if (patronGroup === "*" && loanType === "*") return refusal("DEFAULT_POLICY", "the default policy cannot be deleted");
      const i = this.policies.findIndex((p) => p.patronGroup === patronGroup && p.loanType === loanType);
      if (i < 0) return notFound("loan policy");
      this.policies.splice(i, 1);
      return json(200, {});
    });
  }

  private mountDesk(): void {
    this.write("POST", "/api/v1/circulation/check-out", (req) => {
      const { barcode = "", patron = "" } = body<{ barcode?: string; patron?: string }>(req);
      const copy = this.catalogue.copies.find((c) => c.barcode.toLowerCase() === barcode.toLowerCase());
      if (!copy) return notFound(`copy with barcode ${barcode}`);
      const user = [...this.people.values()].find((u) => u.id === patron || u.cardNumber === patron);
      if (!user) return apiError(404, 5, `patron ${patron} not found`, "USER_NOT_FOUND");
      if (this.blocked.has(user.id)) return refusal("PATRON_BLOCKED", "patron has 1 overdue loan(s)");
      if (copy.status !== "COPY_STATUS_AVAILABLE") return refusal("COPY_NOT_AVAILABLE");
      copy.status = "COPY_STATUS_ON_LOAN";
      this.catalogue.recount(copy.bookId);
      const loan: Loan = {
        id: newId("loan"),
        bookId: copy.bookId,
        userId: user.id,
        borrowedAt: NOW,
        dueAt: DUE,
        returnedAt: null,
        copyId: copy.id,
        barcode: copy.barcode,
        renewalCount: 0,
      };
      this.loans.push(loan);
      return json(200, { loan });
    });
    this.write("POST", "/api/v1/circulation/check-in", (req) => {
      const { barcode = "" } = body<{ barcode?: string }>(req);
      const copy = this.catalogue.copies.find((c) => c.barcode.toLowerCase() === barcode.toLowerCase());
      if (!copy) return notFound(`copy with barcode ${barcode}`);
      const loan = this.loans.find((l) => l.copyId === copy.id && l.returnedAt === null);
      if (!loan) return refusal("COPY_NOT_ON_LOAN", `copy ${barcode} is not on loan`);
      loan.returnedAt = NOW;
      copy.status = "COPY_STATUS_AVAILABLE";
      this.catalogue.recount(copy.bookId);
      return json(200, { loan, copy });
    });
  }
}

/** A FakeApi with the whole staff API in memory. */
export function staffApi(api: FakeApi): { catalogue: FakeCatalogue; circulation: FakeCirculation } {
  const catalogue = new FakeCatalogue(api);
  return { catalogue, circulation: new FakeCirculation(api, catalogue) };
}
