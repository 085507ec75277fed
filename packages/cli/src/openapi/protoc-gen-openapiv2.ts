// protoc plugin: OpenAPI 2.0 (Swagger) JSON for every service with
// google.api.http rules. Run by buf.gen.yaml; the logic is in openapi-builder.ts.
import { buildOpenApiFiles } from "./openapi-builder.js";
import { runOpenApiPlugin } from "./run-openapi-plugin.js";

runOpenApiPlugin("protoc-gen-openapiv2", buildOpenApiFiles);
