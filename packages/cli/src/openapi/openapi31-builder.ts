// Builds OpenAPI 3.1 documents from proto descriptors, one per service with
// google.api.http rules, for generated clients: servers, an http bearer scheme,
// required fields, null types, every error answer typed, and an example body
// for every write. Pure: descriptors in, file names and JSON text out.

import type { DescExtension, DescService, FileRegistry } from "@bufbuild/protobuf";
import { SERVICES } from "../services.js";
import { ERROR_SCHEMAS, errorResponses } from "./openapi31-errors.js";
import { buildOperation, type Operation } from "./openapi31-operation.js";
import { ComponentSchemas } from "./openapi31-schemas.js";
import { apiVersion, commentOf, serviceShortName } from "./proto-comments.js";
import { boundMethods, type Extensions, extensionsOf } from "./proto-http.js";
import type { GeneratedFile } from "./run-openapi-plugin.js";

const FIELD_BEHAVIOR_EXTENSION = "google.api.field_behavior";

/** `<service>.json` for every service that has at least one google.api.http rule. */
export function buildOpenApi31Files(registry: FileRegistry, fileNames: readonly string[]): GeneratedFile[] {
  const ext = extensionsOf(registry);
  if (!ext) return [];
  const behavior = registry.getExtension(FIELD_BEHAVIOR_EXTENSION);
  const out = new Map<string, string>();
  for (const file of fileNames.map((n) => registry.getFile(n))) {
    for (const service of file?.services ?? []) {
      const doc = buildServiceDoc(service, ext, behavior);
      if (!doc) continue;
      const name = `${serviceShortName(service)}.json`;
      if (out.has(name)) throw new Error(`two services would both write ${name}`);
      out.set(name, `${JSON.stringify(doc, null, 2)}\n`);
    }
  }
  return [...out].map(([name, content]) => ({ name, content }));
}

/**
 * `servers`: the service's default `make run` address first, so generated clients work with
 * no base URL set by hand (they take the first server), then the document's own origin for
 * Swagger UI and for services run on other ports or behind a proxy.
 */
export function serversOf(shortName: string): { url: string; description: string }[] {
  const port = SERVICES.find((s) => s.name === shortName)?.httpPort;
  const local = port ? [{ url: `http://127.0.0.1:${port}`, description: "make run (default port)" }] : [];
  return [...local, { url: "/", description: "The origin this document was loaded from" }];
}

function buildServiceDoc(service: DescService, ext: Extensions, behavior: DescExtension | undefined) {
  const bound = boundMethods(service, ext);
  if (bound.length === 0) return undefined;
  const schemas = new ComponentSchemas(
    behavior,
    bound.map((b) => b.method.output),
  );
  const paths: Record<string, Record<string, Operation>> = {};
  const statuses = new Set<string>();
  for (const b of bound) {
    const item = paths[b.path] ?? {};
    paths[b.path] = item;
    if (item[b.binding.verb]) throw new Error(`${b.method.toString()}: ${b.binding.verb.toUpperCase()} ${b.path} is bound twice`);
    const op = buildOperation(b, schemas);
    for (const s of op.errorStatuses) statuses.add(s);
    item[b.binding.verb] = op.operation;
  }
  const description = commentOf(service) || undefined;
  return {
    openapi: "3.1.0",
    info: { title: service.typeName, version: apiVersion(service.file), description },
    servers: serversOf(serviceShortName(service)),
    tags: [{ name: service.name, description }],
    paths,
    components: {
      schemas: { ...schemas.all(), ...ERROR_SCHEMAS },
      responses: errorResponses(statuses),
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "The accessToken from Login (an EdDSA JWT).",
        },
      },
    },
  };
}
