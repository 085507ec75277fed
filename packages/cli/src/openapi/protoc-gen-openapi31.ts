// protoc plugin: OpenAPI 3.1 JSON for every service with google.api.http
// rules. Run by buf.gen.yaml; the logic is in openapi31-builder.ts.
import { buildOpenApi31Files } from "./openapi31-builder.js";
import { runOpenApiPlugin } from "./run-openapi-plugin.js";

runOpenApiPlugin("protoc-gen-openapi31", buildOpenApi31Files);
