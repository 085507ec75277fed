import { clone, create, createFileRegistry, type DescFile, type FileRegistry } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema, type MethodOptions } from "@bufbuild/protobuf/wkt";

/** `file` and every file it imports, imports first (as a protoc plugin's request lists them). */
function withImports(file: DescFile, out: DescFile[] = []): DescFile[] {
  if (out.includes(file)) return out;
  for (const dep of file.dependencies) withImports(dep, out);
  out.push(file);
  return out;
}

/**
 * A registry built afresh from the protos of `file` and its imports (as a protoc plugin builds
 * one: new descriptors, options as dynamic values), with `edit` applied to the options of the
 * method `service.method` (e.g. `AuthorService.UpdateAuthor`), for specs of what a missing or
 * odd option does.
 */
export function registryWithEditedMethod(file: DescFile, method: string, edit: (options: MethodOptions) => void): FileRegistry {
  const [serviceName, methodName] = method.split(".");
  const protos = withImports(file).map((f) => (f === file ? clone(FileDescriptorProtoSchema, f.proto) : f.proto));
  const target = protos.at(-1);
  const options = target?.service.find((s) => s.name === serviceName)?.method.find((m) => m.name === methodName)?.options;
  if (!options) throw new Error(`${file.proto.name} has no method ${method} with options`);
  edit(options);
  return createFileRegistry(create(FileDescriptorSetSchema, { file: protos }));
}
