// The protoc plugin shell both OpenAPI generators share: buf hands it every proto file, it
// builds a registry and answers with the files `build` makes for the files asked for.
import { create, createFileRegistry, type FileRegistry } from "@bufbuild/protobuf";
import {
  type CodeGeneratorRequest,
  CodeGeneratorResponse_Feature,
  CodeGeneratorResponseSchema,
  FileDescriptorSetSchema,
} from "@bufbuild/protobuf/wkt";
import { runNodeJs } from "@bufbuild/protoplugin";

/** One generated file: its name under the plugin's `out` and its text. */
export interface GeneratedFile {
  name: string;
  content: string;
}

/** Runs a protoc plugin named `name` whose output files come from `build`. */
export function runOpenApiPlugin(
  name: string,
  build: (registry: FileRegistry, fileToGenerate: readonly string[]) => GeneratedFile[],
): void {
  runNodeJs({
    name,
    version: "v0.1.0",
    run(req: CodeGeneratorRequest) {
      // protoFile holds every file, imports first, as createFileRegistry needs.
      const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: req.protoFile }));
      return create(CodeGeneratorResponseSchema, {
        supportedFeatures: BigInt(CodeGeneratorResponse_Feature.PROTO3_OPTIONAL),
        file: build(registry, req.fileToGenerate),
      });
    },
  });
}
