import { join } from "node:path";
import { REPO_ROOT } from "@lms/platform";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Namespace, Secret, Service } from "kubernetes-models/v1";
import ts from "typescript";
import type { Manifest } from "./kustomize.js";

interface Validatable {
  validate(): void;
}

const model =
  <C extends new (data: never) => Validatable>(Ctor: C) =>
  (data: Manifest): Validatable =>
    new Ctor(data as never);

/** The kinds the project deploys: kubernetes-models class, and kubernetes-types module and name. */
const KINDS: Record<string, { create: (data: Manifest) => Validatable; types: [module: string, name: string] }> = {
  "v1/ConfigMap": { create: model(ConfigMap), types: ["kubernetes-types/core/v1", "ConfigMap"] },
  "v1/Namespace": { create: model(Namespace), types: ["kubernetes-types/core/v1", "Namespace"] },
  "v1/Secret": { create: model(Secret), types: ["kubernetes-types/core/v1", "Secret"] },
  "v1/Service": { create: model(Service), types: ["kubernetes-types/core/v1", "Service"] },
  "apps/v1/Deployment": { create: model(Deployment), types: ["kubernetes-types/apps/v1", "Deployment"] },
  "autoscaling/v2/HorizontalPodAutoscaler": {
    create: model(HorizontalPodAutoscaler),
    types: ["kubernetes-types/autoscaling/v2", "HorizontalPodAutoscaler"],
  },
  "policy/v1/PodDisruptionBudget": { create: model(PodDisruptionBudget), types: ["kubernetes-types/policy/v1", "PodDisruptionBudget"] },
};

const kindOf = (m: Manifest) => `${m.apiVersion}/${m.kind}`;
const label = (m: Manifest) => `${m.kind}/${m.metadata?.name}`;

/**
 * Checks each object against the Kubernetes OpenAPI schema (kubernetes-models' generated
 * validators: types, required fields, formats, enums). Returns one line per problem.
 */
export function schemaErrors(manifests: Manifest[]): string[] {
  return manifests.flatMap((m) => {
    const kind = KINDS[kindOf(m)];
    if (!kind) return [`${label(m)}: ${kindOf(m)} is not a kind this check knows`];
    try {
      kind.create(m).validate();
      return [];
    } catch (err) {
      return [`${label(m)}: ${err instanceof Error ? err.message : String(err)}`];
    }
  });
}

/**
 * The schema validators accept unknown fields (`readinesProbe:` would pass and then be refused by
 * the API server's strict field validation), so each object is also type-checked as a fresh
 * object literal against kubernetes-types with TypeScript, whose excess-property check names
 * every unknown field. Returns one line per problem.
 */
export function unknownFieldErrors(manifests: Manifest[]): string[] {
  const known = manifests.filter((m) => KINDS[kindOf(m)]);
  const imports = Object.values(KINDS).map((v, i) => `import type { ${v.types[1]} as T${i} } from "${v.types[0]}";`);
  const alias = (m: Manifest) => `T${Object.keys(KINDS).indexOf(kindOf(m))}`;
  const lines = known.map((m, i) => `export const m${i} = ${JSON.stringify(m)} satisfies ${alias(m)};`);
  const fileName = join(REPO_ROOT, "tests", "deploy", "__rendered-manifests__.ts");
  const source = [...imports, ...lines].join("\n");
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [],
    skipLibCheck: true,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists } = host;
  host.fileExists = (name) => name === fileName || fileExists.call(host, name);
  host.getSourceFile = (name, version, ...rest) =>
    name === fileName ? ts.createSourceFile(name, source, version) : getSourceFile.call(host, name, version, ...rest);
  const program = ts.createProgram([fileName], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const manifest = known[line - imports.length];
    return `${manifest ? label(manifest) : (d.file?.fileName ?? "?")}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
  });
}
