import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { parseCidr } from "../../config/cidr";
import { CellIdentity, cellTags, regionalName } from "../naming";
import { outOfBandProperties } from "../switchover/outOfBand";
import { boundedName } from "./awsName";
import { throwArgIssues } from "../../validation/componentArgs";
import { apiAccessCidrProblem } from "../../config/apiAccess";
import { CellWorkload } from "../workload";

const NODE_GROUP_TYPE = "aws:eks/nodeGroup:NodeGroup";

export interface CellComputeArgs {
  identity: CellIdentity;
  vpcId: pulumi.Input<string>;
  /** Subnets of the internet-facing load balancer, at least two AZs. */
  publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Subnets of the EKS control-plane ENIs and of the nodes, which get no public address. */
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The VPC's block: the only destination the load balancer may send to. */
  vpcCidrBlock: pulumi.Input<string>;
  /** EKS Kubernetes version. Defaults to "1.33". */
  kubernetesVersion?: pulumi.Input<string>;
  /** Node instance type. Defaults to "m7i.large". */
  instanceType?: pulumi.Input<string>;
  /** Defaults to 2. */
  minNodes?: pulumi.Input<number>;
  /** Defaults to 3. Ignored after creation: an autoscaler or a failover may change it. */
  desiredNodes?: pulumi.Input<number>;
  /** Defaults to 6. */
  maxNodes?: pulumi.Input<number>;
  /** ACM certificate for the service names, in this cell's region. */
  certificateArn: pulumi.Input<string>;
  /** Path the load balancer (and Route 53) probe on the pods. Defaults to "/healthz". */
  healthCheckPath?: pulumi.Input<string>;
  /** KMS key (this region) that envelope-encrypts Kubernetes secrets. */
  kmsKeyArn: pulumi.Input<string>;
  /**
   * CIDR blocks allowed to reach a public Kubernetes API endpoint. Defaults to none: the API
   * endpoint is private only, reachable from inside the VPC (or a network joined to it), and
   * `pulumi up` (which installs the cell's workload through that API) must run from there.
   */
  publicAccessCidrs?: string[];
  /** Lets publicAccessCidrs hold 0.0.0.0/0. Defaults to false. */
  allowApiFromAnywhere?: boolean;
  /** Pods of the cell service that answers the health path. Defaults to 3. */
  cellServiceReplicas?: number;
  /** Image of the cell service. Defaults to the workload's pinned nginx (CELL_SERVICE_IMAGE). */
  cellServiceImage?: string;
  /** AWS Load Balancer Controller chart version. Defaults to CONTROLLER_CHART.version. */
  loadBalancerControllerChartVersion?: string;
  /**
   * IAM roles given cluster-admin through EKS access entries (on-call and CI roles: whoever
   * must act on the cluster during an incident). Defaults to none: only the identity that ran
   * the first `pulumi up` is admin (EKS's bootstrap access).
   */
  adminRoleArns?: pulumi.Input<string>[];
  /** Port the pods serve plain HTTP on. Defaults to 8080. */
  targetPort?: number;
  /**
   * TLS policy of the HTTPS listener. Defaults to "ELBSecurityPolicy-TLS13-1-2-2021-06":
   * TLS 1.3, with TLS 1.2 kept for clients (Route 53 health checkers among them) that lack 1.3.
   */
  sslPolicy?: pulumi.Input<string>;
  /** Deletion protection on the EKS cluster and the load balancer. Defaults to true. */
  deletionProtection?: boolean;
}

export interface CellComputeOutputs {
  cluster: eks.Cluster;
  nodeRole: aws.iam.Role;
  nodeLaunchTemplate: aws.ec2.LaunchTemplate;
  nodeGroup: aws.eks.NodeGroup;
  loadBalancerSecurityGroup: aws.ec2.SecurityGroup;
  loadBalancer: aws.lb.LoadBalancer;
  targetGroup: aws.lb.TargetGroup;
  httpsListener: aws.lb.Listener;
  httpListener: aws.lb.Listener;
  /** The load balancer controller, the TargetGroupBinding and the cell service. */
  workload: CellWorkload;
  clusterName: pulumi.Output<string>;
}

/** Every EKS control-plane log type: an incident review needs the audit and authenticator logs. */
export const CONTROL_PLANE_LOG_TYPES = [
  "api",
  "audit",
  "authenticator",
  "controllerManager",
  "scheduler",
] as const;

export const CLUSTER_ADMIN_POLICY_ARN =
  "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** AWS managed policies an EKS managed node group's role needs. */
const NODE_POLICIES = {
  nodeWorkerPolicy: "AmazonEKSWorkerNodePolicy",
  nodeCniPolicy: "AmazonEKS_CNI_Policy",
  nodeRegistryPolicy: "AmazonEC2ContainerRegistryReadOnly",
} as const;

/**
 * The EKS-optimised Amazon Linux 2023 image for an instance type: Graviton families (a `g`
 * right after the generation digit: m7g, c7gn, r8g, t4g, and a1) run the ARM64 image.
 */
export function amiTypeFor(instanceType: string): string {
  return /^(a1|[a-z]+\d+g)/.test(instanceType)
    ? "AL2023_ARM_64_STANDARD"
    : "AL2023_x86_64_STANDARD";
}

interface ComputeDefaults {
  kubernetesVersion: pulumi.Input<string>;
  instanceType: pulumi.Input<string>;
  minNodes: pulumi.Input<number>;
  desiredNodes: pulumi.Input<number>;
  maxNodes: pulumi.Input<number>;
  healthCheckPath: pulumi.Input<string>;
  targetPort: number;
  sslPolicy: pulumi.Input<string>;
  deletionProtection: boolean;
  publicAccessCidrs: string[];
  allowApiFromAnywhere: boolean;
  adminRoleArns: pulumi.Input<string>[];
}

/** The defaults, applied once. */
export function computeDefaults(args: CellComputeArgs): ComputeDefaults {
  return {
    kubernetesVersion: args.kubernetesVersion ?? "1.33",
    instanceType: args.instanceType ?? "m7i.large",
    minNodes: args.minNodes ?? 2,
    desiredNodes: args.desiredNodes ?? 3,
    maxNodes: args.maxNodes ?? 6,
    healthCheckPath: args.healthCheckPath ?? "/healthz",
    targetPort: args.targetPort ?? 8080,
    sslPolicy: args.sslPolicy ?? DEFAULT_SSL_POLICY,
    deletionProtection: args.deletionProtection ?? true,
    publicAccessCidrs: args.publicAccessCidrs ?? [],
    allowApiFromAnywhere: args.allowApiFromAnywhere ?? false,
    adminRoleArns: args.adminRoleArns ?? [],
  };
}

/** A field's problem: the arg's name and what to do about it. */
interface Problem {
  propertyPath: string;
  reason: string;
}

const ARN_REGION = /^arn:aws[a-z-]*:(acm|kms):([a-z0-9-]+):\d{12}:(certificate|key)\/[\w-]+$/;

/**
 * Problems with the plain (already known) values among the args; Outputs are checked when they
 * resolve (node counts) or left to AWS. Pure, so tests can call it directly.
 */
export function computeArgProblems(args: CellComputeArgs, d: ComputeDefaults): Problem[] {
  const problems: Problem[] = [];
  const region = args.identity.region;
  const known = <T>(v: pulumi.Input<T> | undefined): v is T =>
    v !== undefined && !pulumi.Output.isInstance(v) && !(v instanceof Promise);

  if (known(d.kubernetesVersion) && !/^1\.\d{2}$/.test(d.kubernetesVersion)) {
    problems.push({
      propertyPath: "kubernetesVersion",
      reason: `'${d.kubernetesVersion}' is not an EKS Kubernetes version; write it like "1.33".`,
    });
  }
  if (known(d.instanceType) && !/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(d.instanceType)) {
    problems.push({
      propertyPath: "instanceType",
      reason: `'${d.instanceType}' is not an EC2 instance type; write it like "m7i.large".`,
    });
  }
  for (const key of ["minNodes", "desiredNodes", "maxNodes"] as const) {
    const v = d[key];
    if (known(v) && !(Number.isInteger(v) && v >= 1 && v <= 450)) {
      problems.push({
        propertyPath: key,
        reason: `${v} is not a whole number from 1 to 450 (EKS's default node group quota); a cell keeps at least one node warm.`,
      });
    }
  }
  if (known(d.healthCheckPath) && !/^\/[\w\-./]{0,1023}$/.test(d.healthCheckPath)) {
    problems.push({
      propertyPath: "healthCheckPath",
      reason: `'${d.healthCheckPath}' is not a URL path; write it like "/healthz".`,
    });
  }
  const arnChecks = [
    ["certificateArn", args.certificateArn, "acm", "certificate", "a load balancer", "certificate"],
    ["kmsKeyArn", args.kmsKeyArn, "kms", "key", "EKS", "KMS key"],
  ] as const;
  for (const [key, value, service, kind, user, noun] of arnChecks) {
    if (!known(value)) continue;
    const m = ARN_REGION.exec(value);
    if (!m || m[1] !== service || m[3] !== kind) {
      problems.push({
        propertyPath: key,
        reason: `'${value}' is not ${service === "acm" ? "an ACM certificate" : "a KMS key"} ARN (arn:aws:${service}:${region}:<account>:${kind}/<id>).`,
      });
    } else if (m[2] !== region) {
      problems.push({
        propertyPath: key,
        reason: `is in ${m[2]} but this cell is in ${region}, and ${user} only uses a ${noun} of its own region. Use the one in ${region}.`,
      });
    }
  }
  if (known(args.vpcCidrBlock) && !parseCidr(args.vpcCidrBlock)) {
    problems.push({
      propertyPath: "vpcCidrBlock",
      reason: `'${args.vpcCidrBlock}' is not an IPv4 CIDR block; pass the network's cidrBlock.`,
    });
  }
  d.publicAccessCidrs.forEach((cidr, i) => {
    const reason = apiAccessCidrProblem(cidr, d.allowApiFromAnywhere);
    if (reason) problems.push({ propertyPath: `publicAccessCidrs[${i}]`, reason });
  });
  if (!(Number.isInteger(d.targetPort) && d.targetPort >= 1 && d.targetPort <= 65535)) {
    problems.push({
      propertyPath: "targetPort",
      reason: `${d.targetPort} is not a TCP port (1-65535).`,
    });
  }
  d.adminRoleArns.forEach((arn, i) => {
    if (known(arn) && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(arn)) {
      problems.push({
        propertyPath: `adminRoleArns[${i}]`,
        reason: `'${arn}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>).`,
      });
    }
  });
  for (const key of ["publicSubnetIds", "privateSubnetIds"] as const) {
    const ids = args[key];
    if (Array.isArray(ids) && ids.length < 2) {
      problems.push({
        propertyPath: key,
        reason: `has ${ids.length} subnet(s); EKS and an ALB need subnets in at least two AZs. Pass the network's ${key}.`,
      });
    }
  }
  return problems;
}

/** min <= desired <= max, or a message naming the three args. */
export function nodeCountProblem(min: number, desired: number, max: number): string | undefined {
  return min <= desired && desired <= max
    ? undefined
    : `CellCompute needs minNodes <= desiredNodes <= maxNodes; got ${min}, ${desired}, ${max}. Raise maxNodes or lower minNodes/desiredNodes.`;
}

/**
 * A cell's compute: a private EKS cluster with a managed node group in the private subnets, and
 * the internet-facing ALB in front of it (HTTPS only; port 80 redirects). The ALB forwards to an
 * IP target group whose pod IPs the AWS Load Balancer Controller registers (a
 * TargetGroupBinding), so the load balancer, its DNS name and its ARN suffix stay fixed across
 * Kubernetes redeploys: Route 53 records and CloudWatch alarms key on them.
 */
export function createCellCompute(
  name: string,
  args: CellComputeArgs,
  parent: pulumi.Resource,
): CellComputeOutputs {
  const d = computeDefaults(args);
  const problems = computeArgProblems(args, d);
  throwArgIssues(`CellCompute ${name}`, problems);
  const counts = [d.minNodes, d.desiredNodes, d.maxNodes];
  if (counts.every((c) => typeof c === "number")) {
    const problem = nodeCountProblem(...(counts as [number, number, number]));
    if (problem) throw new pulumi.ResourceError(problem, parent);
  }

  const tags = cellTags(args.identity);
  const { partition } = aws.getPartitionOutput({}, { parent });

  const nodeRole = new aws.iam.Role(
    `${name}-nodeRole`,
    {
      description: `EKS managed nodes of ${regionalName(args.identity, "eks")}`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "ec2.amazonaws.com" },
            Action: "sts:AssumeRole",
          },
        ],
      }),
      tags,
    },
    { parent },
  );
  const nodePolicies = Object.entries(NODE_POLICIES).map(
    ([role, policy]) =>
      new aws.iam.RolePolicyAttachment(
        `${name}-${role}`,
        {
          role: nodeRole.name,
          policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`,
        },
        { parent },
      ),
  );

  const publicApi = d.publicAccessCidrs.length > 0;
  const cluster = new eks.Cluster(
    `${name}-cluster`,
    {
      // A fixed name: the failover commands and the peers address the cluster by it.
      name: regionalName(args.identity, "eks"),
      version: d.kubernetesVersion,
      vpcId: args.vpcId,
      // Control-plane ENIs go in the private subnets only; the ALB below is ours, not EKS's.
      privateSubnetIds: args.privateSubnetIds,
      nodeAssociatePublicIpAddress: false,
      endpointPrivateAccess: true,
      endpointPublicAccess: publicApi,
      ...(publicApi ? { publicAccessCidrs: d.publicAccessCidrs } : {}),
      enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
      encryptionConfigKeyArn: args.kmsKeyArn,
      authenticationMode: "API",
      accessEntries: Object.fromEntries(
        d.adminRoleArns.map((principalArn, i) => [
          `admin${i}`,
          {
            principalArn,
            accessPolicies: {
              clusterAdmin: {
                policyArn: CLUSTER_ADMIN_POLICY_ARN,
                accessScope: { type: "cluster" },
              },
            },
          },
        ]),
      ),
      skipDefaultNodeGroup: true,
      deletionProtection: d.deletionProtection,
      tags,
    },
    { parent },
  );

  // Nodes: IMDSv2 only (hop limit 2 so pods behind the node's network namespace still reach
  // it), an encrypted gp3 root volume, the cell's tags on instances and volumes. No security
  // group here: EKS then puts the nodes in the cluster security group it manages.
  const nodeLaunchTemplate = new aws.ec2.LaunchTemplate(
    `${name}-nodeLaunchTemplate`,
    {
      description: `Nodes of ${regionalName(args.identity, "eks")}`,
      updateDefaultVersion: true,
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 2,
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeSize: 50,
            volumeType: "gp3",
            encrypted: "true",
            deleteOnTermination: "true",
          },
        },
      ],
      tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
        resourceType,
        tags,
      })),
      tags,
    },
    { parent },
  );

  // A plain managed node group rather than @pulumi/eks's ManagedNodeGroup: that one is a remote
  // component that takes the Cluster as a resource reference; this one needs only the name.
  const nodeGroup = new aws.eks.NodeGroup(
    `${name}-nodes`,
    {
      clusterName: cluster.eksCluster.name,
      // Follows the control plane: upgrading kubernetesVersion rolls the nodes after it.
      version: cluster.eksCluster.version,
      // EKS gives a managed node group's role its access entry itself (API authentication).
      nodeRoleArn: nodeRole.arn,
      subnetIds: args.privateSubnetIds,
      instanceTypes: [d.instanceType],
      amiType: pulumi.output(d.instanceType).apply(amiTypeFor),
      launchTemplate: {
        id: nodeLaunchTemplate.id,
        version: nodeLaunchTemplate.latestVersion.apply(String),
      },
      scalingConfig: pulumi
        .all([d.minNodes, d.desiredNodes, d.maxNodes])
        .apply(([minSize, desiredSize, maxSize]) => {
          const problem = nodeCountProblem(minSize, desiredSize, maxSize);
          if (problem) throw new pulumi.ResourceError(problem, parent);
          return { minSize, desiredSize, maxSize };
        }),
      // EKS replaces nodes whose kubelet or network fails: a cell heals without an operator.
      nodeRepairConfig: { enabled: true },
      labels: { "dr/cell": args.identity.cell },
      tags,
    },
    {
      parent,
      dependsOn: nodePolicies,
      // A failover scales the surviving cell up out of band (and an autoscaler may too); the
      // next `pulumi up` must not scale it back down.
      ignoreChanges: outOfBandProperties(NODE_GROUP_TYPE),
    },
  );

  const loadBalancerSecurityGroup = new aws.ec2.SecurityGroup(
    `${name}-loadBalancerSecurityGroup`,
    {
      vpcId: args.vpcId,
      description: `Internet-facing ALB of ${regionalName(args.identity, "alb")}: HTTPS in, pods out`,
      tags: { ...tags, Name: regionalName(args.identity, "alb") },
    },
    { parent },
  );
  const ingress = [
    ["httpsIngress", 443, "HTTPS from clients and Route 53 health checkers"],
    ["httpIngress", 80, "HTTP, answered only with a redirect to HTTPS"],
  ] as const;
  for (const [role, port, description] of ingress) {
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-${role}`,
      {
        securityGroupId: loadBalancerSecurityGroup.id,
        description,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: "0.0.0.0/0",
        tags,
      },
      { parent },
    );
  }
  new aws.vpc.SecurityGroupEgressRule(
    `${name}-targetEgress`,
    {
      securityGroupId: loadBalancerSecurityGroup.id,
      description: "To the pods (and their health checks), inside the VPC only",
      ipProtocol: "tcp",
      fromPort: d.targetPort,
      toPort: d.targetPort,
      cidrIpv4: args.vpcCidrBlock,
      tags,
    },
    { parent },
  );
  // Managed nodes (and so their pods, with the VPC CNI) sit in the security group EKS creates
  // for the cluster, which admits only its own members: let the ALB in on the pod port.
  new aws.vpc.SecurityGroupIngressRule(
    `${name}-podIngress`,
    {
      securityGroupId: cluster.eksCluster.apply((c) => c.vpcConfig.clusterSecurityGroupId),
      description: "From the cell's ALB to the pods",
      ipProtocol: "tcp",
      fromPort: d.targetPort,
      toPort: d.targetPort,
      referencedSecurityGroupId: loadBalancerSecurityGroup.id,
      tags,
    },
    { parent },
  );

  const loadBalancer = new aws.lb.LoadBalancer(
    `${name}-loadBalancer`,
    {
      name: boundedName(regionalName(args.identity, "alb"), 32),
      loadBalancerType: "application",
      internal: false,
      ipAddressType: "ipv4",
      subnets: args.publicSubnetIds,
      securityGroups: [loadBalancerSecurityGroup.id],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: d.deletionProtection,
      tags,
    },
    { parent },
  );

  // Autonamed (no fixed name): a change that replaces the target group can then create the new
  // one before deleting the old, without a name clash.
  const targetGroup = new aws.lb.TargetGroup(
    `${name}-targetGroup`,
    {
      targetType: "ip",
      // TLS ends at the ALB; the hop to the pod stays inside the VPC, and the ALB would not
      // verify a pod's certificate anyway.
      protocol: "HTTP",
      port: d.targetPort,
      vpcId: args.vpcId,
      // Short drains keep a switchover's traffic move inside the RTO budget.
      deregistrationDelay: 30,
      healthCheck: {
        enabled: true,
        protocol: "HTTP",
        port: "traffic-port",
        path: d.healthCheckPath,
        matcher: "200",
        interval: 10,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 2,
      },
      tags,
    },
    { parent },
  );

  const httpsListener = new aws.lb.Listener(
    `${name}-httpsListener`,
    {
      loadBalancerArn: loadBalancer.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: d.sslPolicy,
      certificateArn: args.certificateArn,
      defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
      tags,
    },
    { parent },
  );
  const httpListener = new aws.lb.Listener(
    `${name}-httpListener`,
    {
      loadBalancerArn: loadBalancer.arn,
      port: 80,
      protocol: "HTTP",
      defaultActions: [
        {
          type: "redirect",
          redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" },
        },
      ],
      tags,
    },
    { parent },
  );

  const workload = new CellWorkload(
    `${name}-workload`,
    {
      identity: args.identity,
      clusterName: cluster.eksCluster.name,
      clusterArn: cluster.eksCluster.arn,
      clusterEndpoint: cluster.eksCluster.endpoint,
      clusterCertificateAuthority: cluster.eksCluster.certificateAuthority.data,
      vpcId: args.vpcId,
      targetGroupArn: targetGroup.arn,
      // The cluster component finishes after its access entries; pods need the nodes.
      apiReadyAfter: [cluster, nodeGroup],
      // The very path the target group (above) and Route 53 (CellTraffic) probe.
      healthCheckPath: d.healthCheckPath,
      targetPort: d.targetPort,
      replicas: args.cellServiceReplicas,
      image: args.cellServiceImage,
      controllerChartVersion: args.loadBalancerControllerChartVersion,
    },
    { parent },
  );
  if (!publicApi) {
    void pulumi.log.info(
      `The Kubernetes API of ${regionalName(args.identity, "eks")} is private only: run 'pulumi up' from inside the VPC (or a peered network or VPN), or list your egress blocks in dr:eks.publicAccessCidrs (docs/deploying.md, Before you start).`,
      parent,
    );
  }

  return {
    cluster,
    nodeRole,
    nodeLaunchTemplate,
    nodeGroup,
    loadBalancerSecurityGroup,
    loadBalancer,
    targetGroup,
    httpsListener,
    httpListener,
    workload,
    clusterName: cluster.eksCluster.name,
  };
}

/** A cell's EKS cluster and the load balancer in front of it. */
export class CellCompute extends pulumi.ComponentResource {
  readonly clusterName: pulumi.Output<string>;
  readonly loadBalancerArn: pulumi.Output<string>;
  /** `app/<name>/<id>`, the `LoadBalancer` dimension of CloudWatch's ALB metrics. */
  readonly loadBalancerArnSuffix: pulumi.Output<string>;
  readonly loadBalancerDnsName: pulumi.Output<string>;
  /** The ALB's canonical hosted zone, for Route 53 alias records. */
  readonly loadBalancerZoneId: pulumi.Output<string>;
  readonly loadBalancerSecurityGroupId: pulumi.Output<string>;
  readonly targetGroupArn: pulumi.Output<string>;
  /** `targetgroup/<name>/<id>`, the `TargetGroup` dimension of CloudWatch's ALB metrics. */
  readonly targetGroupArnSuffix: pulumi.Output<string>;
  readonly httpsListenerArn: pulumi.Output<string>;
  /**
   * The Kubernetes provider for the cell's cluster (an `aws eks get-token` kubeconfig): a
   * program's own services go through it, after the cell's workload is installed.
   */
  readonly kubernetesProvider: k8s.Provider;

  constructor(name: string, args: CellComputeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dr:compute:CellCompute", name, {}, opts);
    const out = createCellCompute(name, args, this);
    this.kubernetesProvider = out.workload.provider;
    this.clusterName = out.clusterName;
    this.loadBalancerArn = out.loadBalancer.arn;
    this.loadBalancerArnSuffix = out.loadBalancer.arnSuffix;
    this.loadBalancerDnsName = out.loadBalancer.dnsName;
    this.loadBalancerZoneId = out.loadBalancer.zoneId;
    this.loadBalancerSecurityGroupId = out.loadBalancerSecurityGroup.id;
    this.targetGroupArn = out.targetGroup.arn;
    this.targetGroupArnSuffix = out.targetGroup.arnSuffix;
    this.httpsListenerArn = out.httpsListener.arn;
    this.registerOutputs({
      clusterName: this.clusterName,
      loadBalancerArn: this.loadBalancerArn,
      loadBalancerArnSuffix: this.loadBalancerArnSuffix,
      loadBalancerDnsName: this.loadBalancerDnsName,
      loadBalancerZoneId: this.loadBalancerZoneId,
      loadBalancerSecurityGroupId: this.loadBalancerSecurityGroupId,
      targetGroupArn: this.targetGroupArn,
      targetGroupArnSuffix: this.targetGroupArnSuffix,
      httpsListenerArn: this.httpsListenerArn,
    });
  }
}
