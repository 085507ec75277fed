/** A REST error body as DESIGN.md §3 writes it. */
type ErrorBody = { details?: Record<string, unknown>[] };

/** The field names of a REST error's google.rpc.BadRequest, in order ([] when none). */
export function violatedFields(body: ErrorBody): string[] {
  const bad = body.details?.find((d) => d["@type"] === "type.googleapis.com/google.rpc.BadRequest") as
    | { fieldViolations: { field: string }[] }
    | undefined;
  return bad?.fieldViolations.map((v) => v.field) ?? [];
}

/** The reason of a REST error's google.rpc.ErrorInfo (undefined when none). */
export function errorReasonOf(body: ErrorBody): unknown {
  return body.details?.find((d) => d["@type"] === "type.googleapis.com/google.rpc.ErrorInfo")?.reason;
}
