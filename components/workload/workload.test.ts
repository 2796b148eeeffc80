import { strict as assert } from "assert";
import { CellCompute, CellComputeArgs } from "../compute";
import { byType, named, oneOf, renderComponent } from "../../testing";
import type { Render, RenderedResource } from "../../plan/render";
import { cellServiceNginxConfig, DEFAULT_HEALTH_CHECK_PATH } from "./health";
import { CONTROLLER_NAMESPACE, CONTROLLER_SERVICE_ACCOUNT } from "./iam";
import { CELL_SERVICE_IMAGE, CONTROLLER_CHART, READINESS_GATE_LABEL } from "./workload";

const identity = { app: "shop", cell: "use1", region: "us-east-1" };
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-4222-8333-444455556666";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef";

const T = {
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  binding: "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
  release: "kubernetes:helm.sh/v3:Release",
  deployment: "kubernetes:apps/v1:Deployment",
  service: "kubernetes:core/v1:Service",
  configMap: "kubernetes:core/v1:ConfigMap",
  namespace: "kubernetes:core/v1:Namespace",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  provider: "pulumi:providers:kubernetes",
};

async function renderCell(
  overrides: Partial<CellComputeArgs> = {},
  config: Record<string, string> = {},
): Promise<Render> {
  return renderComponent(
    () =>
      new CellCompute("compute", {
        identity,
        vpcId: "vpc-0abc",
        publicSubnetIds: ["subnet-pub1", "subnet-pub2", "subnet-pub3"],
        privateSubnetIds: ["subnet-prv1", "subnet-prv2", "subnet-prv3"],
        vpcCidrBlock: "10.10.0.0/16",
        certificateArn: CERT,
        kmsKeyArn: KEY,
        ...overrides,
      }),
    { config },
  );
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const inputs = (r: RenderedResource): Json => r.inputs;

/** The nginx server block the pods run, as the ConfigMap carries it. */
function servedConfig(render: Render): string {
  return String(inputs(oneOf(render, T.configMap)).data["default.conf"]);
}

/** The body of `location = <path> { ... }` in an nginx server block, or undefined. */
function exactLocation(conf: string, path: string): string | undefined {
  const escaped = path.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return new RegExp(`location = ${escaped} \\{([\\s\\S]*?)\\n  \\}`).exec(conf)?.[1];
}

describe("components/workload CellWorkload (through CellCompute)", () => {
  let render: Render;
  before(async () => {
    render = await renderCell();
  });

  it("binds the cell's IP target group to the cell service, on the target group's port", () => {
    const tg = oneOf(render, T.targetGroup);
    const binding = oneOf(render, T.binding);
    const spec = inputs(binding).spec;
    assert.equal(spec.targetGroupARN, tg.state.arn);
    assert.equal(spec.targetType, "ip");
    assert.equal(tg.inputs.targetType, "ip");
    assert.equal(spec.vpcID, "vpc-0abc");
    // No networking block: the ALB-to-pod rule is Pulumi's own security group rule.
    assert.equal(spec.networking, undefined);
    assert.ok(named(render, "compute-podIngress"));

    const service = oneOf(render, T.service);
    assert.equal(spec.serviceRef.name, inputs(service).metadata.name);
    assert.equal(inputs(binding).metadata.namespace, inputs(service).metadata.namespace);
    const [port] = inputs(service).spec.ports;
    assert.equal(spec.serviceRef.port, port.port);
    assert.equal(port.port, tg.inputs.port);

    const deployment = inputs(oneOf(render, T.deployment));
    assert.deepEqual(inputs(service).spec.selector, deployment.spec.template.metadata.labels);
    const [container] = deployment.spec.template.spec.containers;
    assert.deepEqual(container.ports, [
      { name: "http", containerPort: tg.inputs.port, protocol: "TCP" },
    ]);
    assert.equal(port.targetPort, "http");
  });

  it("answers the health path the target group and Route 53 probe, shallow: no upstream", () => {
    const path = oneOf(render, T.targetGroup).inputs.healthCheck as { path: string };
    assert.equal(path.path, DEFAULT_HEALTH_CHECK_PATH);
    const conf = servedConfig(render);
    const health = exactLocation(conf, DEFAULT_HEALTH_CHECK_PATH);
    assert.ok(health, `the pods answer ${DEFAULT_HEALTH_CHECK_PATH}:\n${conf}`);
    assert.match(health, /return 200 /);
    // Shallow: the handler reaches nothing else, so a slow store cannot fail it.
    assert.doesNotMatch(conf, /proxy_pass|upstream|fastcgi_pass|grpc_pass/);
    assert.match(conf, /listen 8080;/);

    const [container] = inputs(oneOf(render, T.deployment)).spec.template.spec.containers;
    assert.equal(container.readinessProbe.httpGet.path, DEFAULT_HEALTH_CHECK_PATH);
    assert.equal(container.livenessProbe.httpGet.path, DEFAULT_HEALTH_CHECK_PATH);
  });

  it("moves every probe of the health path together when the path changes", async () => {
    const custom = await renderCell({ healthCheckPath: "/status/live" });
    const tg = oneOf(custom, T.targetGroup).inputs.healthCheck as { path: string };
    assert.equal(tg.path, "/status/live");
    assert.ok(exactLocation(servedConfig(custom), "/status/live"));
    assert.equal(exactLocation(servedConfig(custom), DEFAULT_HEALTH_CHECK_PATH), undefined);
    const [container] = inputs(oneOf(custom, T.deployment)).spec.template.spec.containers;
    assert.equal(container.readinessProbe.httpGet.path, "/status/live");
  });

  it("says which cell served on /, except when the health path is / itself", () => {
    const conf = cellServiceNginxConfig({ identity, healthCheckPath: "/healthz", port: 8080 });
    assert.match(
      exactLocation(conf, "/") ?? "",
      /return 200 '\{"app":"shop","cell":"use1","region":"us-east-1"\}/,
    );
    const root = cellServiceNginxConfig({ identity, healthCheckPath: "/", port: 8080 });
    assert.equal(root.match(/location = \/ \{/g)?.length, 1, "nginx refuses a duplicate location");
    assert.match(exactLocation(root, "/") ?? "", /return 200 "ok/);
  });

  it("gives the controller a role only its service account in this cluster can assume", () => {
    const role = named(render, "compute-workload-controllerRole");
    const trust = JSON.parse(String(role.inputs.assumeRolePolicy));
    assert.equal(trust.Statement.length, 1);
    const [statement] = trust.Statement;
    assert.deepEqual(statement.Principal, { Service: "pods.eks.amazonaws.com" });
    assert.deepEqual(statement.Action, ["sts:AssumeRole", "sts:TagSession"]);
    const clusterArn = (oneOf(render, "eks:index:Cluster").state.eksCluster as { arn: string }).arn;
    assert.deepEqual(statement.Condition, {
      StringEquals: {
        "aws:RequestTag/eks-cluster-arn": clusterArn,
        "aws:RequestTag/kubernetes-namespace": "kube-system",
        "aws:RequestTag/kubernetes-service-account": "aws-load-balancer-controller",
      },
    });

    // The association, the chart's service account and the trust policy name the same one.
    const association = oneOf(render, "aws:eks/podIdentityAssociation:PodIdentityAssociation");
    assert.equal(association.inputs.namespace, CONTROLLER_NAMESPACE);
    assert.equal(association.inputs.serviceAccount, CONTROLLER_SERVICE_ACCOUNT);
    assert.equal(association.inputs.roleArn, role.state.arn);
    assert.equal(association.inputs.clusterName, "shop-use1-eks");
    assert.equal(association.inputs.disableSessionTags, false);
    const release = inputs(oneOf(render, T.release));
    assert.equal(release.namespace, CONTROLLER_NAMESPACE);
    assert.deepEqual(release.values.serviceAccount, {
      create: true,
      name: CONTROLLER_SERVICE_ACCOUNT,
    });
    const agent = oneOf(render, "aws:eks/addon:Addon");
    assert.equal(agent.inputs.addonName, "eks-pod-identity-agent");
  });

  it("lets the controller register targets in the cell's target group and nothing else", () => {
    const policy = JSON.parse(
      String(named(render, "compute-workload-controllerPolicy").inputs.policy),
    );
    const tgArn = oneOf(render, T.targetGroup).state.arn;
    const actions = policy.Statement.flatMap((s: Json) => s.Action as string[]);
    for (const a of actions) {
      assert.match(a, /^(elasticloadbalancing|ec2):(Describe|Register|Deregister)/, a);
    }
    const writes = policy.Statement.filter((s: Json) =>
      s.Action.some((a: string) => !/:Describe/.test(a)),
    );
    assert.deepEqual(writes, [
      {
        Sid: "RegisterPodsInTheCellTargetGroup",
        Effect: "Allow",
        Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
        Resource: tgArn,
      },
    ]);
  });

  it("installs a pinned controller chart that claims no Ingress and no Service", () => {
    const release = inputs(oneOf(render, T.release));
    assert.equal(release.chart, "aws-load-balancer-controller");
    assert.equal(release.version, CONTROLLER_CHART.version);
    assert.match(release.version, /^\d+\.\d+\.\d+$/);
    assert.deepEqual(release.repositoryOpts, { repo: "https://aws.github.io/eks-charts" });
    const v = release.values;
    assert.equal(v.clusterName, "shop-use1-eks");
    assert.equal(v.region, "us-east-1");
    assert.equal(v.vpcId, "vpc-0abc");
    assert.equal(v.createIngressClassResource, false);
    assert.equal(v.enableServiceMutatorWebhook, false);
    assert.deepEqual(v.controllerConfig, { featureGates: { EnableServiceController: false } });
    assert.ok(v.replicaCount >= 2);
    assert.notEqual(release.skipAwait, true, "the binding needs the controller's webhooks up");
  });

  it("runs the cell service spread over AZs, behind a readiness gate and a disruption budget", () => {
    const ns = inputs(oneOf(render, T.namespace));
    assert.equal(ns.metadata.labels[READINESS_GATE_LABEL], "enabled");
    const d = inputs(oneOf(render, T.deployment));
    assert.equal(d.metadata.namespace, ns.metadata.name);
    assert.equal(d.spec.replicas, 3);
    assert.deepEqual(d.spec.strategy.rollingUpdate, { maxUnavailable: 0, maxSurge: 1 });
    const spread = d.spec.template.spec.topologySpreadConstraints;
    assert.deepEqual(
      spread.map((c: Json) => c.topologyKey),
      ["topology.kubernetes.io/zone", "kubernetes.io/hostname"],
    );
    const [container] = d.spec.template.spec.containers;
    assert.equal(container.image, CELL_SERVICE_IMAGE);
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.ok(d.spec.template.spec.terminationGracePeriodSeconds > 15, "outlasts the preStop");
    const configVolume = d.spec.template.spec.volumes.find((v: Json) => v.name === "config");
    // Autonamed, so a changed config is a new name and a rollout.
    const configMap = oneOf(render, T.configMap);
    assert.equal(inputs(configMap).metadata.name, undefined);
    assert.equal(configVolume.configMap.name, (configMap.state.metadata as Json).name);
    const pdb = inputs(oneOf(render, T.pdb));
    assert.equal(pdb.spec.maxUnavailable, 1);
    assert.deepEqual(pdb.spec.selector.matchLabels, d.spec.template.metadata.labels);
  });

  it("talks to the cluster's own endpoint with an aws eks get-token kubeconfig", async () => {
    const provider = oneOf(render, T.provider);
    const kubeconfig = JSON.parse(String(provider.inputs.kubeconfig));
    const eksCluster = oneOf(render, "eks:index:Cluster").state.eksCluster as Json;
    assert.equal(kubeconfig.clusters[0].cluster.server, eksCluster.endpoint);
    assert.equal(
      kubeconfig.clusters[0].cluster["certificate-authority-data"],
      eksCluster.certificateAuthority.data,
    );
    const exec = kubeconfig.users[0].user.exec;
    assert.equal(exec.command, "aws");
    assert.deepEqual(exec.args, [
      "eks",
      "get-token",
      "--cluster-name",
      "shop-use1-eks",
      "--region",
      "us-east-1",
      "--output",
      "json",
    ]);
    assert.equal(exec.env, undefined);
    const withProfile = await renderCell({}, { "aws:profile": "dr-ci" });
    const exec2 = JSON.parse(String(oneOf(withProfile, T.provider).inputs.kubeconfig)).users[0].user
      .exec;
    assert.deepEqual(exec2.env, [{ name: "AWS_PROFILE", value: "dr-ci" }]);
  });

  it("orders everything that uses the API after the cluster and the node group", () => {
    const kube = render.resources.filter((r) => r.type.startsWith("kubernetes:"));
    assert.equal(kube.length, 7);
    for (const r of kube) {
      assert.equal(r.provider, "compute-workload-kubernetes", `${r.name} uses the cell's cluster`);
      for (const dep of ["compute-cluster", "compute-nodes"]) {
        assert.ok(r.dependsOn.includes(dep), `${r.name} waits for ${dep}: ${r.dependsOn}`);
      }
    }
    for (const name of [
      "compute-workload-podIdentityAgent",
      "compute-workload-controllerPodIdentity",
    ]) {
      assert.ok(named(render, name).dependsOn.includes("compute-nodes"), name);
    }
    const deps = (t: string) => oneOf(render, t).dependsOn;
    assert.ok(deps(T.release).includes("compute-workload-podIdentityAgent"));
    assert.ok(deps(T.release).includes("compute-workload-controllerPodIdentity"));
    assert.ok(deps(T.release).includes("compute-workload-controllerPolicy"));
    assert.ok(deps(T.binding).includes("compute-workload-loadBalancerController"));
    // Pods get the readiness gate only if the binding exists when they are created.
    assert.ok(deps(T.deployment).includes("compute-workload-targetGroupBinding"));
    assert.ok(byType(render, T.deployment).every((r) => !r.registeredInApply));
  });
});
