// protoc plugin: OpenAPI 3.1 JSON for every service with google.api.http
// rules. Run by buf.gen.yaml; the logic is in openapi31-builder.ts.
import { create, createFileRegistry } from "@bufbuild/protobuf";
import {
  type CodeGeneratorRequest,
  CodeGeneratorResponse_Feature,
  CodeGeneratorResponseSchema,
  FileDescriptorSetSchema,
} from "@bufbuild/protobuf/wkt";
import { type Plugin, runNodeJs } from "@bufbuild/protoplugin";
import { buildOpenApi31Files } from "./openapi31-builder.js";

const plugin: Plugin = {
  name: "protoc-gen-openapi31",
  version: "v0.1.0",
  run(req: CodeGeneratorRequest) {
    // protoFile holds every file, imports first, as createFileRegistry needs.
    const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: req.protoFile }));
    return create(CodeGeneratorResponseSchema, {
      supportedFeatures: BigInt(CodeGeneratorResponse_Feature.PROTO3_OPTIONAL),
      file: buildOpenApi31Files(registry, req.fileToGenerate),
    });
  },
};

runNodeJs(plugin);
