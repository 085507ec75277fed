import { type DescMessage, fromJson, type JsonValue, ScalarType, toJson } from "@bufbuild/protobuf";
import type { ConnectError } from "@connectrpc/connect";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { IF_MATCH_HEADER, IF_NONE_MATCH_HEADER } from "../conditional/etag.js";
import { invalidArgument } from "../errors/errors.js";
import type { CallInit, Invoker } from "../grpc/invoker.js";
import { IDEMPOTENCY_KEY_HEADER } from "../idempotency/idempotency-key.js";
import { CLIENT_ADDRESS_HEADER, resolveClientAddress, type TrustedProxies } from "../net/client-address.js";
import { clientGoneSignal } from "./client-gone.js";
import { emitUnpopulated } from "./emit-unpopulated.js";
import type { HttpRoute } from "./http-rules.js";
import { answeredNotModified, impliedUpdateMask, locationOf } from "./http-semantics.js";
import { sendError } from "./send-error.js";

type JsonObject = Record<string, unknown>;

/** How the REST face tells who its clients are. */
export interface TranscoderOptions {
  /** Proxies whose `X-Forwarded-For` names the client (none by default: the socket's address is the client). */
  trustedProxies?: TrustedProxies;
  /**
   * Methods that create a resource, each with the path of what it created (fields of the JSON
   * answer in braces, e.g. `{ CreateAuthor: "/api/v1/authors/{id}" }`): they answer 201 with that
   * `Location` instead of 200.
   */
  createdLocations?: Readonly<Record<string, string>>;
}

/**
 * Mounts one Fastify route per http rule (grpc-gateway style transcoding): path variables,
 * query parameters and the body become the request message (proto3 JSON, both name
 * spellings), which `invoker` hands to the same service object the gRPC port calls, behind
 * the REST chain of `lifecycle/face-chains.ts` (no server key: REST callers are not peers);
 * every failure is answered by `sendError` (DESIGN.md §3). The answer is proto3 JSON with every field emitted, and the response
 * headers the handler set (gRPC initial metadata, e.g. `x-degraded`) become HTTP headers.
 * REST has no logic of its own (STYLE.md rule 1). The call's context carries the client's
 * address (`x-client-address`, never taken from the client) and an abort signal that fires
 * when the client disconnects before its answer. HTTP semantics (DESIGN.md §2): creates answer 201 with a
 * `Location`; `If-Match` / `If-None-Match` and `Idempotency-Key` travel to the handler as metadata, and a GET whose
 * `If-None-Match` names the handler's `ETag` answers 304; a PATCH without `updateMask` changes the
 * fields present in its JSON body.
 */
export function registerTranscodedRoutes(
  app: FastifyInstance,
  routes: HttpRoute[],
  invoker: Invoker,
  options: TranscoderOptions = {},
): void {
  const trusted = options.trustedProxies ?? new Set<string>();
  for (const route of routes) {
    const location = options.createdLocations?.[route.method.name];
    app.route({
      method: route.verb,
      url: route.url,
      config: { rpc: route.method.name },
      handler: async (req, reply) => {
        try {
          const input = decodeInput(route, req);
          const { message: output, header } = await invoker.unary(route.method, callInit(req, reply, trusted), input);
          for (const [name, value] of header) reply.header(name, value);
          if (answeredNotModified(req, reply)) return reply.send();
          const answer = emitUnpopulated(route.method.output, toJson(route.method.output, output, { alwaysEmitImplicit: true }));
          if (location) reply.code(201).header("location", locationOf(location, answer));
          return answer;
        } catch (err) {
          return sendError(reply, err);
        }
      },
    });
  }
}

function callInit(req: FastifyRequest, reply: FastifyReply, trusted: TrustedProxies): CallInit {
  let signal: AbortSignal | undefined;
  return {
    protocolName: "rest",
    url: req.url,
    header: forwardHeaders(req, trusted),
    // Made on first use only, as the gRPC face does: most handlers never look.
    get signal() {
      signal ??= clientGoneSignal(req, reply);
      return signal;
    },
  };
}

/** Request headers a handler reads (besides authorization): conditional writes and reads, retryable writes. */
const FORWARDED_HEADERS = [IF_MATCH_HEADER, IF_NONE_MATCH_HEADER, IDEMPOTENCY_KEY_HEADER] as const;

/** What a handler may read of the HTTP request: never a server key (REST callers are not peers). */
function forwardHeaders(req: FastifyRequest, trusted: TrustedProxies): Headers {
  const headers = new Headers({ "x-request-id": String(req.id) });
  if (req.headers.authorization) headers.set("authorization", req.headers.authorization);
  for (const name of FORWARDED_HEADERS) {
    const value = req.headers[name];
    if (typeof value === "string") headers.set(name, value);
  }
  const forwarded = req.headers["x-forwarded-for"];
  const chain = Array.isArray(forwarded) ? forwarded.join(",") : forwarded;
  headers.set(CLIENT_ADDRESS_HEADER, resolveClientAddress(req.socket.remoteAddress, chain, trusted));
  return headers;
}

function decodeInput(route: HttpRoute, req: FastifyRequest) {
  const json: JsonObject = {};
  if (route.body === "*") Object.assign(json, bodyObject(req.body));
  else if (route.body) json[route.body] = req.body ?? {};
  Object.assign(json, queryFields(route.method.input, req.query as JsonObject, route));
  const params = req.params as Record<string, string>;
  for (const field of route.pathFields) json[field] = params[field.replace(/\./g, "_")];
  const mask = impliedUpdateMask(route, json);
  if (mask !== undefined) json.updateMask = mask;
  try {
    return fromJson(route.method.input, json as JsonValue);
  } catch (err) {
    throw jsonDecodeError(err);
  }
}

function bodyObject(body: unknown): JsonObject {
  if (body === undefined || body === null) return {};
  if (typeof body !== "object" || Array.isArray(body)) throw invalidArgument("body", "must be a JSON object");
  return body as JsonObject;
}

/** Query parameters as JSON values of the fields they name: booleans parsed, repeated fields as arrays. */
function queryFields(input: DescMessage, query: JsonObject, route: HttpRoute): JsonObject {
  const out: JsonObject = {};
  for (const [key, raw] of Object.entries(query ?? {})) {
    const field = input.fields.find((f) => f.jsonName === key || f.name === key);
    if (!field || route.pathFields.includes(field.name) || route.body === "*") {
      throw invalidArgument(key, "unknown query parameter");
    }
    const values = Array.isArray(raw) ? raw : [raw];
    if (field.fieldKind === "list") out[key] = values;
    else if (field.fieldKind === "scalar" && field.scalar === ScalarType.BOOL) {
      out[key] = parseBool(key, String(values[values.length - 1]));
    } else out[key] = values[values.length - 1];
  }
  return out;
}

function parseBool(key: string, value: string): boolean {
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw invalidArgument(key, "must be true or false");
}

/**
 * Turns a proto3-JSON decoding failure (protobuf-es throws a plain Error) into INVALID_ARGUMENT
 * naming the field, instead of the 500 it would otherwise become.
 */
function jsonDecodeError(err: unknown): ConnectError {
  const text = err instanceof Error ? err.message : String(err);
  const unknownKey = /key "([^"]+)" is unknown/.exec(text);
  if (unknownKey) return invalidArgument(unknownKey[1], "unknown field");
  const field = /cannot decode field [\w.]+\.(\w+) from JSON: (.*)$/.exec(text);
  if (field) return invalidArgument(snakeToCamel(field[1]), `invalid value: ${field[2]}`);
  return invalidArgument("body", "not a valid request message");
}

function snakeToCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}
