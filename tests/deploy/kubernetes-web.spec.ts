// deploy/k8s/base/web.yaml (DESIGN.md §9): the web origin beside the services, rendered with the
// base and the example overlay, held to the same rules as the services' manifests, with no secret.
import { join } from "node:path";
import { SERVICES } from "@lms/cli/services";
import { REPO_ROOT } from "@lms/platform";
import { describe, expect, it } from "vitest";
import { schemaErrors, unknownFieldErrors } from "./support/k8s-schema.js";
import { type Manifest, renderKustomization } from "./support/kustomize.js";

const K8S = join(REPO_ROOT, "deploy", "k8s");
const base = renderKustomization(join(K8S, "base"));
const overlay = renderKustomization(join(K8S, "overlays", "example"));

interface Container {
  image: string;
  ports: { name: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  envFrom?: { configMapRef?: { name: string } }[];
  readinessProbe?: { httpGet?: { path: string; port: string } };
  livenessProbe?: { httpGet?: { path: string; port: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
}
interface Pod {
  metadata: { labels: Record<string, string> };
  spec: { securityContext?: { runAsNonRoot?: boolean }; containers: Container[] };
}

const find = (list: Manifest[], kind: string) => {
  const m = list.find((x) => x.kind === kind && x.metadata.name === "web");
  if (!m) throw new Error(`no ${kind}/web`);
  return m;
};
const podOf = (list: Manifest[]) => (find(list, "Deployment").spec as { template: Pod }).template;

describe("Kubernetes manifests of the web origin", () => {
  it("are valid against the Kubernetes API schemas, with no unknown field", () => {
    const web = base.filter((m) => m.metadata.name === "web");
    expect(web.map((m) => m.kind).sort()).toEqual(["Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service"]);
    expect(schemaErrors(web)).toEqual([]);
    expect(unknownFieldErrors(web)).toEqual([]);
  });

  it("run a locked-down container on 8080 with probes and limits, reading only the ConfigMap (no secret)", () => {
    const pod = podOf(base);
    expect(pod.spec.securityContext?.runAsNonRoot).toBe(true);
    const [container] = pod.spec.containers;
    expect(container.ports).toEqual([{ name: "http", containerPort: 8080 }]);
    expect(container.readinessProbe?.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(container.livenessProbe?.httpGet).toEqual({ path: "/healthz", port: "http" });
    for (const kind of ["requests", "limits"] as const)
      expect(Object.keys(container.resources?.[kind] ?? {}).sort()).toEqual(["cpu", "memory"]);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(container.envFrom).toEqual([{ configMapRef: { name: "library-config" } }]);
    expect(container.env).toEqual([{ name: "WEB_HTTP_PORT", value: "8080" }]);
  });

  it("forward to each service's REST port by Service name", () => {
    const data = (base.find((m) => m.kind === "ConfigMap") as Manifest & { data: Record<string, string> }).data;
    for (const s of SERVICES) expect(data[`${s.name.toUpperCase()}_HTTP_URL`]).toBe(`http://${s.name}:${s.httpPort}`);
  });

  it("have a Service, an HPA and a PDB that match the pods", () => {
    const labels = podOf(base).metadata.labels;
    const service = find(base, "Service").spec as { selector: Record<string, string>; ports: { name: string; port: number }[] };
    expect(service.selector).toEqual(labels);
    expect(service.ports.map((p) => [p.name, p.port])).toEqual([["http", 8080]]);
    const hpa = find(base, "HorizontalPodAutoscaler").spec as { scaleTargetRef: { name: string }; minReplicas: number };
    expect([hpa.scaleTargetRef.name, hpa.minReplicas >= 2]).toEqual(["web", true]);
    const pdb = find(base, "PodDisruptionBudget").spec as { minAvailable: number; selector: { matchLabels: Record<string, string> } };
    expect(pdb.selector.matchLabels).toEqual(labels);
    expect(pdb.minAvailable).toBeLessThan(hpa.minReplicas);
  });

  it("overlay: in the namespace, the image from the registry", () => {
    expect(find(overlay, "Deployment").metadata.namespace).toBe("library");
    expect(podOf(overlay).spec.containers[0].image).toBe("registry.example.org/library/web:0.1.0");
  });
});
