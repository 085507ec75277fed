import type { DescMessage } from "@bufbuild/protobuf";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ETAG_HEADER, IF_NONE_MATCH_HEADER, ifNoneMatchHits } from "../conditional/etag.js";
import { fillTemplate } from "./http-rule.js";
import type { HttpRoute } from "./http-rules.js";

type JsonObject = Record<string, unknown>;

/** Name of the AIP-134 field mask field of an update request. */
const UPDATE_MASK = "update_mask";

/**
 * For a PATCH whose body is one field (the resource) and whose request has an `update_mask`
 * the client did not give: the mask of the fields present in the JSON body (grpc-gateway's
 * rule), as a proto3-JSON FieldMask string, so `{"biography": ""}` clears exactly the biography.
 * Undefined when the route is no such PATCH, the mask was given, or the body names nothing.
 */
export function impliedUpdateMask(route: HttpRoute, json: JsonObject): string | undefined {
  if (route.verb !== "PATCH" || !route.body || route.body === "*") return undefined;
  const input = route.method.input;
  const maskField = input.fields.find((f) => f.name === UPDATE_MASK);
  const bodyField = input.fields.find((f) => f.name === route.body);
  if (!maskField || bodyField?.fieldKind !== "message") return undefined;
  if (json[maskField.jsonName] !== undefined || json[maskField.name] !== undefined) return undefined;
  const body = json[route.body];
  if (!body || typeof body !== "object" || Array.isArray(body)) return undefined;
  const paths = Object.keys(body).map((key) => jsonNameOf(bodyField.message, key));
  return paths.length > 0 ? paths.join(",") : undefined;
}

/** A key of a JSON object as the field's JSON name (keys naming no field stay, for the decoder to refuse). */
function jsonNameOf(message: DescMessage, key: string): string {
  return message.fields.find((f) => f.name === key || f.jsonName === key)?.jsonName ?? key;
}

/**
 * The `Location` of a created resource: `template` (e.g. `/api/v1/authors/{id}`) with each
 * `{path}` replaced by that (dotted) field of the JSON answer, URL-encoded.
 */
export function locationOf(template: string, answer: unknown): string {
  return fillTemplate(template, (path) => {
    let value: unknown = answer;
    for (const part of path.split(".")) value = value && typeof value === "object" ? (value as JsonObject)[part] : undefined;
    return encodeURIComponent(String(value ?? ""));
  });
}

/**
 * A GET whose `If-None-Match` names the answer's `ETag` gets 304 with no body (RFC 9110 §15.4.5).
 * True when it was answered so.
 */
export function answeredNotModified(req: FastifyRequest, reply: FastifyReply): boolean {
  if (req.method !== "GET") return false;
  const etag = reply.getHeader(ETAG_HEADER);
  const ifNoneMatch = req.headers[IF_NONE_MATCH_HEADER];
  if (typeof etag !== "string" || typeof ifNoneMatch !== "string" || !ifNoneMatchHits(ifNoneMatch, etag)) return false;
  reply.code(304);
  return true;
}
