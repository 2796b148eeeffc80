import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CellIdentity, cellTags, regionalName } from "../naming";
import { throwArgIssues } from "../../validation/componentArgs";
import { cellServiceNginxConfig, DEFAULT_HEALTH_CHECK_PATH } from "./health";
import {
  CONTROLLER_NAMESPACE,
  CONTROLLER_SERVICE_ACCOUNT,
  controllerPolicy,
  controllerTrustPolicy,
} from "./iam";
import { execKubeconfig } from "./kubeconfig";

/** The AWS Load Balancer Controller's chart (aws/eks-charts), pinned: upgrades are deliberate. */
export const CONTROLLER_CHART = {
  chart: "aws-load-balancer-controller",
  repo: "https://aws.github.io/eks-charts",
  version: "3.5.0",
} as const;

/**
 * The cell service's image: nginx built to run as a non-root user on port 8080, from ECR
 * Public (no Docker Hub pull limits on a failover's scale-up). Pinned to a minor line; pin a
 * digest through `image` where the supply chain requires it.
 */
export const CELL_SERVICE_IMAGE = "public.ecr.aws/nginx/nginx-unprivileged:1.29-alpine";

/** Kubernetes names the failover runbooks and the TargetGroupBinding refer to. */
export const CELL_NAMESPACE = "dr-cell";
export const CELL_SERVICE_NAME = "cell";

/** The label that has the controller's webhook add a target-health readiness gate to pods. */
export const READINESS_GATE_LABEL = "elbv2.k8s.aws/pod-readiness-gate-inject";

export interface CellWorkloadArgs {
  identity: CellIdentity;
  clusterName: pulumi.Input<string>;
  clusterArn: pulumi.Input<string>;
  /** The cluster's API endpoint, `https://...eks.amazonaws.com`. */
  clusterEndpoint: pulumi.Input<string>;
  /** The cluster's base64 CA bundle (`certificateAuthority.data`). */
  clusterCertificateAuthority: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  /** The IP target group behind the cell's load balancer; the pods are registered in it. */
  targetGroupArn: pulumi.Input<string>;
  /**
   * Resources the Kubernetes API depends on: the cluster (with its access entries) and the
   * node group. Everything that talks to the API is ordered after them.
   */
  apiReadyAfter: pulumi.Resource[];
  /** Path the pods answer the load balancer and Route 53 on. Defaults to "/healthz". */
  healthCheckPath?: pulumi.Input<string>;
  /** Port the pods serve plain HTTP on, the target group's port. Defaults to 8080. */
  targetPort?: number;
  /** Cell service pods, spread over the AZs. Defaults to 3. */
  replicas?: number;
  /** Cell service image. Defaults to CELL_SERVICE_IMAGE. */
  image?: string;
  /** AWS Load Balancer Controller chart version. Defaults to CONTROLLER_CHART.version. */
  controllerChartVersion?: string;
  /**
   * AWS CLI profile for the kubeconfig's `aws eks get-token`. Defaults to the stack's
   * `aws:profile`, the one the AWS provider uses; none means the ambient credentials.
   */
  awsProfile?: string;
}

export interface CellWorkloadDefaults {
  healthCheckPath: pulumi.Input<string>;
  targetPort: number;
  replicas: number;
  image: string;
  controllerChartVersion: string;
}

export function workloadDefaults(args: CellWorkloadArgs): CellWorkloadDefaults {
  return {
    healthCheckPath: args.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH,
    targetPort: args.targetPort ?? 8080,
    replicas: args.replicas ?? 3,
    image: args.image ?? CELL_SERVICE_IMAGE,
    controllerChartVersion: args.controllerChartVersion ?? CONTROLLER_CHART.version,
  };
}

/** [registry[:port]/]repository[/more]:tag or ...@sha256:digest */
const IMAGE_REFERENCE =
  /^([a-z0-9.-]+(:\d+)?\/)?[a-z0-9._-]+(\/[a-z0-9._-]+)*(:\w[\w.-]{0,127}|@sha256:[a-f0-9]{64})$/;

/** Problems with the plain args, each naming the arg and the fix. Pure. */
export function workloadArgProblems(
  d: CellWorkloadDefaults,
): { propertyPath: string; reason: string }[] {
  const problems: { propertyPath: string; reason: string }[] = [];
  if (!(Number.isInteger(d.replicas) && d.replicas >= 2 && d.replicas <= 50)) {
    problems.push({
      propertyPath: "replicas",
      reason: `${d.replicas} is not a whole number from 2 to 50; one pod is one node or AZ away from a cell that answers nothing.`,
    });
  }
  // A tag or a digest: an image without one floats to whatever :latest is on the next scale-up.
  if (!IMAGE_REFERENCE.test(d.image)) {
    problems.push({
      propertyPath: "image",
      reason: `'${d.image}' is not an image reference pinned by tag or digest; write it like ${CELL_SERVICE_IMAGE}.`,
    });
  } else if (/:latest$/.test(d.image)) {
    problems.push({
      propertyPath: "image",
      reason: `'${d.image}' floats; pin a version tag or a digest so every cell runs the same code.`,
    });
  }
  if (!/^\d+\.\d+\.\d+$/.test(d.controllerChartVersion)) {
    problems.push({
      propertyPath: "controllerChartVersion",
      reason: `'${d.controllerChartVersion}' is not an exact chart version; write it like ${CONTROLLER_CHART.version}.`,
    });
  }
  if (!(Number.isInteger(d.targetPort) && d.targetPort >= 1024 && d.targetPort <= 65535)) {
    problems.push({
      propertyPath: "targetPort",
      reason: `${d.targetPort} is not a port from 1024 to 65535; the cell service runs as a non-root user.`,
    });
  }
  return problems;
}

export interface CellWorkloadOutputs {
  provider: k8s.Provider;
  controllerRole: aws.iam.Role;
  podIdentityAgent: aws.eks.Addon;
  controllerPodIdentity: aws.eks.PodIdentityAssociation;
  controller: k8s.helm.v3.Release;
  namespace: k8s.core.v1.Namespace;
  config: k8s.core.v1.ConfigMap;
  service: k8s.core.v1.Service;
  targetGroupBinding: k8s.apiextensions.CustomResource;
  deployment: k8s.apps.v1.Deployment;
  disruptionBudget: k8s.policy.v1.PodDisruptionBudget;
}

/**
 * What makes the cell's load balancer serve after `pulumi up`: the AWS Load Balancer
 * Controller (Helm, EKS Pod Identity), a TargetGroupBinding that registers the cell service's
 * pods in the Pulumi-owned target group, and the cell service itself (nginx answering the
 * health path, see ./health.ts). The pods carry the controller's target-health readiness
 * gate, so a rollout, and `pulumi up` itself, waits until the load balancer sees them healthy.
 */
export function createCellWorkload(
  name: string,
  args: CellWorkloadArgs,
  parent: pulumi.Resource,
): CellWorkloadOutputs {
  const d = workloadDefaults(args);
  throwArgIssues(`CellWorkload ${name}`, workloadArgProblems(d));
  const tags = cellTags(args.identity);
  const awsProfile = args.awsProfile ?? new pulumi.Config("aws").get("profile");

  const provider = new k8s.Provider(
    `${name}-kubernetes`,
    {
      kubeconfig: pulumi
        .all([args.clusterName, args.clusterEndpoint, args.clusterCertificateAuthority])
        .apply(([clusterName, endpoint, certificateAuthorityData]) =>
          execKubeconfig({
            clusterName,
            endpoint,
            certificateAuthorityData,
            region: args.identity.region,
            profile: awsProfile,
          }),
        ),
      // Server-side apply: the controller and EKS write fields of these objects too.
      enableServerSideApply: true,
    },
    { parent, dependsOn: args.apiReadyAfter },
  );
  const k8sOpts = { parent, provider, dependsOn: args.apiReadyAfter };

  const controllerRole = new aws.iam.Role(
    `${name}-controllerRole`,
    {
      description: `AWS Load Balancer Controller of ${regionalName(args.identity, "eks")}: TargetGroupBinding only`,
      assumeRolePolicy: pulumi.output(args.clusterArn).apply(controllerTrustPolicy),
      tags,
    },
    { parent },
  );
  const controllerRolePolicy = new aws.iam.RolePolicy(
    `${name}-controllerPolicy`,
    {
      role: controllerRole.name,
      policy: pulumi.output(args.targetGroupArn).apply(controllerPolicy),
    },
    { parent },
  );
  // The agent is a DaemonSet: it needs the nodes. EKS picks the version for the cluster's.
  const podIdentityAgent = new aws.eks.Addon(
    `${name}-podIdentityAgent`,
    { clusterName: args.clusterName, addonName: "eks-pod-identity-agent", tags },
    { parent, dependsOn: args.apiReadyAfter },
  );
  const controllerPodIdentity = new aws.eks.PodIdentityAssociation(
    `${name}-controllerPodIdentity`,
    {
      clusterName: args.clusterName,
      namespace: CONTROLLER_NAMESPACE,
      serviceAccount: CONTROLLER_SERVICE_ACCOUNT,
      roleArn: controllerRole.arn,
      // The trust policy matches on the session tags; they must stay on.
      disableSessionTags: false,
      tags,
    },
    { parent, dependsOn: args.apiReadyAfter },
  );

  const controller = new k8s.helm.v3.Release(
    `${name}-loadBalancerController`,
    {
      name: CONTROLLER_CHART.chart,
      chart: CONTROLLER_CHART.chart,
      version: d.controllerChartVersion,
      repositoryOpts: { repo: CONTROLLER_CHART.repo },
      namespace: CONTROLLER_NAMESPACE,
      values: {
        clusterName: args.clusterName,
        // Given, so the controller never asks IMDS (and its role needs no ec2:DescribeInstances).
        region: args.identity.region,
        vpcId: args.vpcId,
        replicaCount: 2,
        serviceAccount: { create: true, name: CONTROLLER_SERVICE_ACCOUNT },
        podDisruptionBudget: { maxUnavailable: 1 },
        // TargetGroupBinding only: its role may not create load balancers, so it must not
        // claim Ingresses or Services of type LoadBalancer (see ./iam.ts).
        createIngressClassResource: false,
        ingressClassParams: { create: false },
        enableServiceMutatorWebhook: false,
        controllerConfig: { featureGates: { EnableServiceController: false } },
      },
      // Waits for the controller's pods, so its webhooks answer before the binding is created.
      skipAwait: false,
      timeout: 600,
      maxHistory: 10,
    },
    {
      ...k8sOpts,
      dependsOn: [
        ...args.apiReadyAfter,
        podIdentityAgent,
        controllerPodIdentity,
        controllerRolePolicy,
      ],
    },
  );

  const labels = { "app.kubernetes.io/name": CELL_SERVICE_NAME, "dr/cell": args.identity.cell };
  const namespace = new k8s.core.v1.Namespace(
    `${name}-namespace`,
    {
      metadata: {
        name: CELL_NAMESPACE,
        labels: { [READINESS_GATE_LABEL]: "enabled", "dr/cell": args.identity.cell },
      },
    },
    k8sOpts,
  );
  const nginxConf = pulumi
    .output(d.healthCheckPath)
    .apply((healthCheckPath) =>
      cellServiceNginxConfig({ identity: args.identity, healthCheckPath, port: d.targetPort }),
    );
  // Autonamed: a changed config is a new ConfigMap, so the Deployment rolls onto it.
  const config = new k8s.core.v1.ConfigMap(
    `${name}-cellServiceConfig`,
    {
      metadata: { namespace: namespace.metadata.name, labels },
      data: { "default.conf": nginxConf },
    },
    k8sOpts,
  );
  const service = new k8s.core.v1.Service(
    `${name}-cellService`,
    {
      metadata: { name: CELL_SERVICE_NAME, namespace: namespace.metadata.name, labels },
      spec: {
        type: "ClusterIP",
        selector: labels,
        ports: [{ name: "http", port: d.targetPort, targetPort: "http", protocol: "TCP" }],
      },
    },
    k8sOpts,
  );
  // No `networking`: the rule from the ALB to the pods is Pulumi's (CellCompute's podIngress).
  const targetGroupBinding = new k8s.apiextensions.CustomResource(
    `${name}-targetGroupBinding`,
    {
      apiVersion: "elbv2.k8s.aws/v1beta1",
      kind: "TargetGroupBinding",
      metadata: { name: CELL_SERVICE_NAME, namespace: namespace.metadata.name, labels },
      spec: {
        serviceRef: { name: service.metadata.name, port: d.targetPort },
        targetGroupARN: args.targetGroupArn,
        targetType: "ip",
        ipAddressType: "ipv4",
        vpcID: args.vpcId,
      },
    },
    { ...k8sOpts, dependsOn: [...args.apiReadyAfter, controller, service] },
  );

  const probe = (periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path: d.healthCheckPath, port: "http" },
    periodSeconds,
    timeoutSeconds: 2,
    failureThreshold,
  });
  const deployment = new k8s.apps.v1.Deployment(
    `${name}-cellServiceDeployment`,
    {
      metadata: { name: CELL_SERVICE_NAME, namespace: namespace.metadata.name, labels },
      spec: {
        replicas: d.replicas,
        selector: { matchLabels: labels },
        // Never below the desired count during a rollout: the cell keeps serving.
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          // No config hash needed: the ConfigMap is autonamed, so a change renames it and rolls.
          metadata: { labels },
          spec: {
            // Soft spread: an AZ outage must not leave replacement pods Pending.
            topologySpreadConstraints: (
              ["topology.kubernetes.io/zone", "kubernetes.io/hostname"] as const
            ).map((topologyKey) => ({
              maxSkew: 1,
              topologyKey,
              whenUnsatisfiable: "ScheduleAnyway",
              labelSelector: { matchLabels: labels },
            })),
            // The preStop pause outlasts the controller's deregistration, so the ALB stops
            // sending to a pod before nginx exits; the grace period covers both.
            terminationGracePeriodSeconds: 45,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 101,
              runAsGroup: 101,
              seccompProfile: { type: "RuntimeDefault" },
            },
            containers: [
              {
                name: CELL_SERVICE_NAME,
                image: d.image,
                ports: [{ name: "http", containerPort: d.targetPort, protocol: "TCP" }],
                readinessProbe: probe(5, 2),
                livenessProbe: probe(10, 3),
                lifecycle: { preStop: { exec: { command: ["sleep", "15"] } } },
                resources: {
                  requests: { cpu: "50m", memory: "32Mi" },
                  limits: { memory: "128Mi" },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ["ALL"] },
                },
                volumeMounts: [
                  { name: "config", mountPath: "/etc/nginx/conf.d", readOnly: true },
                  { name: "tmp", mountPath: "/tmp" },
                ],
              },
            ],
            volumes: [
              { name: "config", configMap: { name: config.metadata.name } },
              { name: "tmp", emptyDir: {} },
            ],
          },
        },
      },
    },
    // After the binding: the readiness gate is added only to pods created once it exists.
    { ...k8sOpts, dependsOn: [...args.apiReadyAfter, targetGroupBinding] },
  );
  const disruptionBudget = new k8s.policy.v1.PodDisruptionBudget(
    `${name}-cellServiceDisruptionBudget`,
    {
      metadata: { name: CELL_SERVICE_NAME, namespace: namespace.metadata.name, labels },
      spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
    },
    k8sOpts,
  );

  return {
    provider,
    controllerRole,
    podIdentityAgent,
    controllerPodIdentity,
    controller,
    namespace,
    config,
    service,
    targetGroupBinding,
    deployment,
    disruptionBudget,
  };
}

/** The cell's Kubernetes workload: the load balancer controller and the cell service. */
export class CellWorkload extends pulumi.ComponentResource {
  readonly targetGroupBindingName: pulumi.Output<string>;
  readonly controllerRoleArn: pulumi.Output<string>;
  readonly namespace: pulumi.Output<string>;
  /** The Kubernetes provider for the cell's cluster, for a program's own services. */
  readonly provider: k8s.Provider;

  constructor(name: string, args: CellWorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dr:workload:CellWorkload", name, {}, opts);
    const out = createCellWorkload(name, args, this);
    this.provider = out.provider;
    this.targetGroupBindingName = out.targetGroupBinding.metadata.name;
    this.controllerRoleArn = out.controllerRole.arn;
    this.namespace = out.namespace.metadata.name;
    this.registerOutputs({
      targetGroupBindingName: this.targetGroupBindingName,
      controllerRoleArn: this.controllerRoleArn,
      namespace: this.namespace,
    });
  }
}
