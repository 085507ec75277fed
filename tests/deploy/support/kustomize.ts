import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

/** A Kubernetes object as rendered (typed only as far as the renderer needs). */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
}

/** The kustomization fields this renderer implements; any other field fails the render. */
const SUPPORTED = new Set(["apiVersion", "kind", "namespace", "resources", "images"]);
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "PersistentVolume",
  "StorageClass",
  "CustomResourceDefinition",
]);

/** Every YAML document of a manifest file. */
export function readManifests(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
      return doc.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
}

/**
 * `kustomize build <dir>` for the subset of kustomize the project uses: `resources` (files and
 * kustomization directories), `namespace` and `images`. A kustomization using anything else is
 * refused, so no field is ever silently ignored.
 */
export function renderKustomization(dir: string): Manifest[] {
  const k = readManifests(join(dir, "kustomization.yaml"))[0] as unknown as Kustomization;
  const unknown = Object.keys(k).filter((key) => !SUPPORTED.has(key));
  if (unknown.length > 0) throw new Error(`${dir}/kustomization.yaml: fields not supported by this renderer: ${unknown.join(", ")}`);
  const out = (k.resources ?? []).flatMap((entry) => {
    const path = resolve(dir, entry);
    return statSync(path).isDirectory() ? renderKustomization(path) : readManifests(path);
  });
  for (const m of out) {
    if (k.namespace && !CLUSTER_SCOPED.has(m.kind)) m.metadata.namespace = k.namespace;
    for (const image of k.images ?? []) retag(m, image);
  }
  return out;
}

type Container = { image?: string };

function containersOf(m: Manifest): Container[] {
  const template = (m.spec?.template ?? {}) as { spec?: { containers?: Container[]; initContainers?: Container[] } };
  return [...(template.spec?.containers ?? []), ...(template.spec?.initContainers ?? [])];
}

function retag(m: Manifest, rule: { name: string; newName?: string; newTag?: string }): void {
  for (const container of containersOf(m)) {
    const [name, tag] = splitImage(container.image ?? "");
    if (name !== rule.name) continue;
    const newTag = rule.newTag ?? tag;
    container.image = `${rule.newName ?? name}${newTag ? `:${newTag}` : ""}`;
  }
}

/** `registry:5000/a/b:tag` → [`registry:5000/a/b`, `tag`]. */
function splitImage(image: string): [string, string | undefined] {
  const colon = image.lastIndexOf(":");
  return colon > image.lastIndexOf("/") ? [image.slice(0, colon), image.slice(colon + 1)] : [image, undefined];
}
