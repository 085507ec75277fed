// Calls REST methods by operationId and checks every answer against the
// OpenAPI 3.1 document the service itself serves: the status must be
// documented for that operation and the body must validate (ajv) against the
// schema of that status. Records which status classes each operation showed.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "@lms/platform/repo-paths";
import { type RestResult, rest } from "@lms/platform/testing/rest-client";
import { expect } from "vitest";
import { compileOperationSchemas, type OpenApiDocument, type OperationCheck } from "../../support/openapi-validator.js";
import type { Body } from "./fixtures.js";

/** One call: path parameters, query string, JSON body, bearer token and other request headers. */
export interface CallInput {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

/** The operations of every service's served document, and what the walk saw of each. */
export class OpenApiChecker {
  private readonly ops = new Map<string, { svc: string; op: OperationCheck }>();
  private readonly seen = new Map<string, Set<string>>();

  private constructor(private readonly baseUrls: Record<string, string>) {}

  /** Loads `GET /api/openapi/<svc>.json` of each service, checking it is the committed file. */
  static async load(baseUrls: Record<string, string>): Promise<OpenApiChecker> {
    const checker = new OpenApiChecker(baseUrls);
    for (const [svc, url] of Object.entries(baseUrls)) {
      const served = await rest<OpenApiDocument>(url, "GET", `/api/openapi/${svc}.json`);
      expect(served.status).toBe(200);
      const committed: unknown = JSON.parse(readFileSync(join(REPO_ROOT, "api", "openapi", `${svc}.json`), "utf8"));
      expect(served.body, `${svc}: the served document is the committed one`).toEqual(committed);
      for (const op of compileOperationSchemas(served.body)) checker.ops.set(op.operationId, { svc, op });
    }
    return checker;
  }

  /** Every operationId of every document. */
  operationIds(): string[] {
    return [...this.ops.keys()].sort();
  }

  /** The example request body the document gives the operation. */
  example(operationId: string): Record<string, unknown> {
    return structuredClone(this.get(operationId).op.example) as Record<string, unknown>;
  }

  /** Calls the operation and checks the answer against the document; returns it. */
  async call(operationId: string, input: CallInput = {}): Promise<RestResult<Body>> {
    const { svc, op } = this.get(operationId);
    const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const value = input.params?.[name];
      if (value === undefined) throw new Error(`${operationId}: no value for path parameter ${name}`);
      return encodeURIComponent(value);
    });
    const query = input.query ? `?${new URLSearchParams(input.query)}` : "";
    const res = await rest<Body>(this.baseUrls[svc], op.verb.toUpperCase(), `${path}${query}`, {
      body: input.body,
      token: input.token,
      headers: input.headers,
    });
    const status = String(res.status);
    const label = `${operationId} answered ${status} ${JSON.stringify(res.body).slice(0, 300)}`;
    expect(op.statuses, `${label}: status not documented`).toContain(status);
    expect(op.validateResponse(status, res.body), `${label}: body does not match the document`).toBe("");
    const classes = this.seen.get(operationId) ?? new Set<string>();
    classes.add(`${status[0]}xx`);
    this.seen.set(operationId, classes);
    return res;
  }

  /** Operations that have not shown an answer of `statusClass` (e.g. "2xx") yet. */
  missing(statusClass: string): string[] {
    return this.operationIds().filter((id) => !this.seen.get(id)?.has(statusClass));
  }

  private get(operationId: string): { svc: string; op: OperationCheck } {
    const found = this.ops.get(operationId);
    if (!found) throw new Error(`no operation ${operationId} in the served documents`);
    return found;
  }
}
