import type { OutputsFor } from "./index";
import type { MockedResource } from "../render";
import { stableHex } from "./common";

/**
 * Computed outputs of the Kubernetes objects a cell installs. The provider autonames an object
 * without `metadata.name` (`<logical name>-<8 hex>`) and reports its uid; a Helm release
 * reports its status. Ids are `<namespace>/<name>`, as the provider's.
 */
function kubernetesObject(r: MockedResource): Record<string, unknown> {
  const metadata = (r.inputs.metadata ?? {}) as Record<string, unknown>;
  const name =
    typeof metadata.name === "string" ? metadata.name : `${r.name}-${stableHex(r.name, 8)}`;
  const namespace = typeof metadata.namespace === "string" ? metadata.namespace : undefined;
  return {
    id: namespace ? `${namespace}/${name}` : name,
    metadata: { ...metadata, name, uid: uid(r.name) },
  };
}

function uid(seed: string): string {
  const h = stableHex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const KUBERNETES_OUTPUTS: Record<string, OutputsFor> = {
  "kubernetes:core/v1:Namespace": kubernetesObject,
  "kubernetes:core/v1:ConfigMap": kubernetesObject,
  "kubernetes:core/v1:Service": (r) => ({
    ...kubernetesObject(r),
    status: { loadBalancer: {} },
  }),
  "kubernetes:apps/v1:Deployment": kubernetesObject,
  "kubernetes:policy/v1:PodDisruptionBudget": kubernetesObject,
  "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding": kubernetesObject,
  "kubernetes:helm.sh/v3:Release": (r) => {
    const name =
      typeof r.inputs.name === "string" ? r.inputs.name : `${r.name}-${stableHex(r.name, 8)}`;
    const namespace = typeof r.inputs.namespace === "string" ? r.inputs.namespace : "default";
    return {
      id: `${namespace}/${name}`,
      status: {
        name,
        namespace,
        chart: r.inputs.chart,
        version: r.inputs.version,
        appVersion: r.inputs.version ? `v${String(r.inputs.version)}` : undefined,
        revision: 1,
        status: "deployed",
      },
    };
  },
};
