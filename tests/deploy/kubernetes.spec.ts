// deploy/k8s: the base and the example overlay rendered (a kustomize subset; checked against
// `kubectl kustomize` where kubectl exists), validated against the Kubernetes API schemas and
// for unknown fields, and held to the rules for each service.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { SERVICES, type ServiceSpec } from "@lms/cli/services";
import { REPO_ROOT } from "@lms/platform";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { schemaErrors, unknownFieldErrors } from "./support/k8s-schema.js";
import { type Manifest, readManifests, renderKustomization } from "./support/kustomize.js";

const K8S = join(REPO_ROOT, "deploy", "k8s");
const OVERLAY = join(K8S, "overlays", "example");
const base = renderKustomization(join(K8S, "base"));
const overlay = renderKustomization(OVERLAY);
const secretTemplate = readManifests(join(K8S, "secret.example.yaml"));
const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" }).status === 0;

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  ports: { name: string; containerPort: number }[];
  env: EnvVar[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: { securityContext?: { runAsNonRoot?: boolean }; containers: Container[] };
}

const find = (list: Manifest[], kind: string, name: string) => {
  const m = list.find((x) => x.kind === kind && x.metadata.name === name);
  if (!m) throw new Error(`no ${kind}/${name}`);
  return m;
};
const spec = <T>(m: Manifest) => m.spec as T;
const podOf = (list: Manifest[], name: string) => spec<{ template: PodTemplate }>(find(list, "Deployment", name)).template;
const key = (m: Manifest) => `${m.kind}/${m.metadata.namespace ?? ""}/${m.metadata.name}`;

describe("Kubernetes manifests (deploy/k8s)", () => {
  it("are valid against the Kubernetes API schemas, with no unknown field", () => {
    const all = [...base, ...overlay, ...secretTemplate];
    expect(schemaErrors(all)).toEqual([]);
    expect(unknownFieldErrors(all)).toEqual([]);
  });

  it.skipIf(!kubectl)("render as `kubectl kustomize` renders them", () => {
    const out = spawnSync("kubectl", ["kustomize", OVERLAY], { encoding: "utf8" });
    expect(out.status, out.stderr).toBe(0);
    const theirs = parseAllDocuments(out.stdout).map((d) => d.toJS() as Manifest);
    const sorted = (list: Manifest[]) => [...list].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sorted(overlay)).toEqual(sorted(theirs));
  });

  it("run PostgreSQL elsewhere: no database workload, no PersistentVolumeClaim", () => {
    expect(overlay.filter((m) => ["StatefulSet", "PersistentVolumeClaim"].includes(m.kind))).toEqual([]);
    expect(overlay.some((m) => JSON.stringify(m).includes('image":"postgres'))).toBe(false);
  });

  it.each(SERVICES.map((s) => [s.name, s] as const))(
    "%s: a Deployment with probes, limits and a locked-down container",
    (name, svc: ServiceSpec) => {
      const deployment = find(base, "Deployment", name);
      expect(deployment.spec).not.toHaveProperty("replicas"); // the HPA owns it
      const pod = podOf(base, name);
      expect(pod.spec.securityContext?.runAsNonRoot).toBe(true);
      const [container] = pod.spec.containers;
      expect(container.readinessProbe?.httpGet).toEqual({ path: "/readyz", port: "http" });
      expect(container.livenessProbe?.httpGet).toEqual({ path: "/healthz", port: "http" });
      for (const kind of ["requests", "limits"] as const)
        expect(Object.keys(container.resources?.[kind] ?? {}).sort()).toEqual(["cpu", "memory"]);
      expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(container.ports).toEqual([
        { name: "http", containerPort: svc.httpPort },
        { name: "grpc", containerPort: svc.grpcPort },
      ]);
      const env = Object.fromEntries(container.env.map((e) => [e.name, e]));
      expect(env.HTTP_PORT.value).toBe(String(svc.httpPort));
      expect(env.GRPC_PORT.value).toBe(String(svc.grpcPort));
      expect(env.SERVER_KEY.valueFrom?.secretKeyRef).toEqual({ name: "library-secrets", key: "SERVER_KEY" });
      expect(env.DATABASE_URL.valueFrom?.secretKeyRef).toEqual({ name: "library-secrets", key: `${name.toUpperCase()}_DATABASE_URL` });
    },
  );

  it.each(SERVICES.map((s) => [s.name, s] as const))("%s: a Service, an HPA and a PDB that match its pods", (name, svc: ServiceSpec) => {
    const labels = podOf(base, name).metadata.labels;
    const service = spec<{ selector: Record<string, string>; ports: { name: string; port: number }[] }>(find(base, "Service", name));
    expect(service.selector).toEqual(labels);
    expect(service.ports.map((p) => [p.name, p.port])).toEqual([
      ["http", svc.httpPort],
      ["grpc", svc.grpcPort],
    ]);
    const hpa = find(base, "HorizontalPodAutoscaler", name);
    expect(hpa.apiVersion).toBe("autoscaling/v2");
    const hpaSpec = spec<{ scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number }>(hpa);
    expect(hpaSpec.scaleTargetRef).toMatchObject({ kind: "Deployment", name });
    expect(hpaSpec.minReplicas).toBeGreaterThanOrEqual(2);
    const pdb = find(base, "PodDisruptionBudget", name);
    expect(pdb.apiVersion).toBe("policy/v1");
    const pdbSpec = spec<{ minAvailable: number; selector: { matchLabels: Record<string, string> } }>(pdb);
    expect(pdbSpec.selector.matchLabels).toEqual(labels);
    expect(pdbSpec.minAvailable).toBeLessThan(hpaSpec.minReplicas); // a node can still be drained
  });

  it("point every service at its peers' Services and at auth's JWKS", () => {
    const data = (find(base, "ConfigMap", "library-config") as Manifest & { data: Record<string, string> }).data;
    expect(data.NODE_ENV).toBe("production");
    expect(data.GRPC_HOST).toBe("0.0.0.0"); // peers in other pods reach the gRPC port
    for (const s of SERVICES) expect(data[`${s.name.toUpperCase()}_GRPC_ADDR`]).toBe(`${s.name}:${s.grpcPort}`);
    expect(data.AUTH_JWKS_URL).toBe("http://auth:8081/.well-known/jwks.json");
  });

  it("leave TRUSTED_PROXIES for the operator to set (the pod network differs per cluster), read by every service", () => {
    const data = (find(base, "ConfigMap", "library-config") as Manifest & { data: Record<string, string> }).data;
    // Present and empty: nobody's X-Forwarded-For is believed until the operator names the pod CIDR.
    expect(data.TRUSTED_PROXIES).toBe("");
    for (const s of SERVICES) {
      const [container] = spec<{ template: { spec: { containers: { envFrom?: { configMapRef?: { name: string } }[] }[] } } }>(
        find(base, "Deployment", s.name),
      ).template.spec.containers;
      expect(
        container.envFrom?.map((e) => e.configMapRef?.name),
        s.name,
      ).toContain("library-config");
    }
  });

  it("has a Secret template with every key the Deployments read, each a marked placeholder", () => {
    const wanted = new Set(
      base
        .filter((m) => m.kind === "Deployment")
        .flatMap((m) => spec<{ template: PodTemplate }>(m).template.spec.containers.flatMap((c) => c.env))
        .flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.key] : [])),
    );
    const [secret] = secretTemplate as (Manifest & { stringData: Record<string, string> })[];
    expect(secret.metadata.name).toBe("library-secrets");
    expect(Object.keys(secret.stringData).sort()).toEqual([...wanted].sort());
    for (const value of Object.values(secret.stringData)) expect(value).toContain("REPLACE-ME");
  });

  it("overlay: everything in its namespace, images from the registry", () => {
    for (const m of overlay.filter((x) => x.kind !== "Namespace")) expect(m.metadata.namespace, key(m)).toBe("library");
    for (const s of SERVICES) {
      expect(podOf(overlay, s.name).spec.containers[0].image).toBe(`registry.example.org/library/${s.name}:0.1.0`);
    }
  });
});
