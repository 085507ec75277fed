import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema } from "@lms/gen/google/rpc/error_details_pb";
import { invalidArguments } from "../errors/errors.js";

/** One check per field: each returns the field's checked value or throws `invalidArgument`. */
export type FieldChecks<T> = { [K in keyof T]: () => T[K] };

/**
 * Runs every check and returns the checked values, or throws one INVALID_ARGUMENT whose
 * google.rpc.BadRequest names every invalid field at once (DESIGN.md §3), in the order of
 * `checks`. Other details of the failures (an ErrorInfo such as PASSWORD_TOO_WEAK) are kept.
 * Errors other than INVALID_ARGUMENT pass through at once.
 */
export function checkAll<T extends object>(checks: FieldChecks<T>): T {
  const values: Partial<T> = {};
  const violations: { field: string; description: string }[] = [];
  const otherDetails: ConnectError["details"] = [];
  for (const key of Object.keys(checks) as (keyof T)[]) {
    try {
      values[key] = checks[key]();
    } catch (err) {
      violations.push(...violationsOf(err));
      otherDetails.push(...(err as ConnectError).details.filter((d) => !isBadRequest(d)));
    }
  }
  if (violations.length === 0) return values as T;
  const combined = invalidArguments(violations);
  combined.details.push(...otherDetails);
  throw combined;
}

function isBadRequest(detail: ConnectError["details"][number]): boolean {
  return "desc" in detail ? detail.desc.typeName === BadRequestSchema.typeName : detail.type === BadRequestSchema.typeName;
}

function violationsOf(err: unknown): { field: string; description: string }[] {
  if (!(err instanceof ConnectError) || err.code !== Code.InvalidArgument) throw err;
  const found = err.findDetails(BadRequestSchema).flatMap((d) => d.fieldViolations);
  if (found.length === 0) throw err;
  return found.map((v) => ({ field: v.field, description: v.description }));
}
