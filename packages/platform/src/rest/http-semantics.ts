import type { DescMessage } from "@bufbuild/protobuf";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ETAG_HEADER, IF_NONE_MATCH_HEADER, ifNoneMatchHits } from "../conditional/etag.js";
import { fillTemplate } from "./http-rule.js";
import type { HttpRoute } from "./http-rules.js";

type JsonObject = Record<string, unknown>;

/** Name of the AIP-134 field mask field of an update request. */
const UPDATE_MASK = "update_mask";

/**
 * For a PATCH whose request has an `update_mask` the client did not give: the mask of the
 * fields present in the JSON body (grpc-gateway's rule), as a proto3-JSON FieldMask string, so
 * `{"biography": ""}` clears exactly the biography. The body is either one field (the resource,
 * `body: "author"`: its keys) or the whole request (`body: "*"`: its keys but the path fields,
 * so `{"name": ""}` names `name` and is refused as empty rather than ignored).
 * Undefined when the route is no such PATCH, the mask was given, or the body names nothing.
 */
export function impliedUpdateMask(route: HttpRoute, json: JsonObject): string | undefined {
  if (route.verb !== "PATCH" || !route.body) return undefined;
  const input = route.method.input;
  const maskField = input.fields.find((f) => f.name === UPDATE_MASK);
  if (!maskField) return undefined;
  if (json[maskField.jsonName] !== undefined || json[maskField.name] !== undefined) return undefined;
  const paths = route.body === "*" ? requestBodyPaths(route, json) : resourceBodyPaths(route, json);
  return paths.length > 0 ? paths.join(",") : undefined;
}

/** The keys of a one-field body (the resource), as JSON names of the resource's fields. */
function resourceBodyPaths(route: HttpRoute, json: JsonObject): string[] {
  const bodyField = route.method.input.fields.find((f) => f.name === route.body);
  const body = json[route.body];
  if (bodyField?.fieldKind !== "message" || !body || typeof body !== "object" || Array.isArray(body)) return [];
  return Object.keys(body).map((key) => jsonNameOf(bodyField.message, key));
}

/** The keys of a whole-request body but the path fields (filled from the path after the body). */
function requestBodyPaths(route: HttpRoute, json: JsonObject): string[] {
  const input = route.method.input;
  const pathKeys = new Set(route.pathFields.flatMap((name) => [name, input.fields.find((f) => f.name === name)?.jsonName ?? name]));
  return Object.keys(json)
    .filter((key) => !pathKeys.has(key))
    .map((key) => jsonNameOf(input, key));
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
