import { describe, expect, it } from "vitest";
import { ApiError, errorSentences, FieldProblem, fieldProblems } from "./errors.js";

const info = (reason: string) => ({ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason, domain: "library.book.v1", metadata: {} });

describe("errors in words", () => {
  it("says what a known ErrorInfo reason means", () => {
    const e = new ApiError(400, { code: 9, message: "loan limit reached (5)", details: [info("LOAN_LIMIT_REACHED")] });
    expect(e.reason).toBe("LOAN_LIMIT_REACHED");
    expect(e.sentences).toEqual(["You have reached the number of books you may borrow at once."]);
  });

  it("names every invalid field, in words, and keeps them per field for forms", () => {
    const body = {
      code: 3,
      message: "invalid request",
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.BadRequest",
          fieldViolations: [
            { field: "email", description: "must be an email address" },
            { field: "book.publishedYear", description: "must not be in the future" },
          ],
        },
      ],
    };
    const e = new ApiError(400, body);
    expect(e.sentences).toEqual(["Email: must be an email address.", "Published year: must not be in the future."]);
    expect(e.fields).toEqual({ email: "must be an email address", "book.publishedYear": "must not be in the future" });
  });

  it("uses the server's sentence for an unknown reason, and never shows a body that looks like data", () => {
    expect(new ApiError(400, { code: 9, message: "The copy is in repair.", details: [info("SOMETHING_NEW")] }).sentences).toEqual([
      "The copy is in repair.",
    ]);
    const raw = new ApiError(400, { code: 3, message: '{"field":"x"}', details: [] });
    expect(raw.message).not.toContain("{");
  });

  it("speaks plainly about outages, bodies that are not ours, and lost connections", () => {
    expect(new ApiError(503, { code: 14, message: "category service: connect ECONNREFUSED 127.0.0.1:50053", details: [] }).message).toBe(
      "The library service is unavailable right now. Try again shortly.",
    );
    expect(new ApiError(502, "<html>Bad gateway</html>").message).toBe("The library service is unavailable right now. Try again shortly.");
    expect(errorSentences(new TypeError("Failed to fetch"))).toEqual([
      "The library server could not be reached. Check your connection and try again.",
    ]);
  });

  it("words refusals about the patron or the record for staff, and falls back to the patron's words", () => {
    const limit = new ApiError(400, { code: 9, message: "loan limit reached", details: [info("LOAN_LIMIT_REACHED")] });
    expect(errorSentences(limit, "staff")).toEqual(["This patron has reached the number of loans their group may hold at once."]);
    expect(errorSentences(limit)).toEqual(["You have reached the number of books you may borrow at once."]);
    const renewals = new ApiError(400, { code: 9, message: "limit", details: [info("RENEWAL_LIMIT_REACHED")] });
    expect(errorSentences(renewals, "staff")).toEqual(["This loan has been renewed as many times as allowed."]);
  });

  it("keeps a problem found before calling the API with its field", () => {
    const problem = new FieldProblem("patron", "No patron has the email x@example.org.");
    expect(errorSentences(problem)).toEqual(["No patron has the email x@example.org."]);
    expect(fieldProblems(problem)).toEqual({ patron: "No patron has the email x@example.org." });
    expect(fieldProblems(new Error("boom"))).toEqual({});
  });

  it("names fields as the forms label them", () => {
    const body = {
      code: 3,
      message: "invalid",
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.BadRequest",
          fieldViolations: [
            { field: "isbn", description: "has an invalid ISBN-13 check digit" },
            { field: "categoryIds[1]", description: "is not a UUID" },
          ],
        },
      ],
    };
    expect(new ApiError(400, body).sentences).toEqual(["ISBN: has an invalid ISBN-13 check digit.", "Categories: is not a UUID."]);
  });
});
