import type { OutputsFor } from "./index";
import type { MockedResource } from "../render";
import { MOCK_ACCOUNT_ID, physicalName, stableHex } from "./common";

/**
 * Computed outputs of the network (awsx VPC), EKS and the load balancer.
 *
 * `awsx:ec2:Vpc` and `eks:index:Cluster` are remote components: in the mock runtime each is one
 * registration, and what their provider would compute is what this file returns. The child
 * resource the program reads from the cluster (`eksCluster`, a resource reference on a real
 * deploy) comes back as a plain object with the fields read; property access on an Output
 * resolves both the same way.
 */
export const NETWORK_COMPUTE_OUTPUTS: Record<string, OutputsFor> = {
  "awsx:ec2:Vpc": (r) => {
    const azCount = vpcAzCount(r);
    const types = new Set(
      (Array.isArray(r.inputs.subnetSpecs) ? r.inputs.subnetSpecs : [])
        .map((s) => String((s as { type?: unknown }).type ?? ""))
        .filter((t) => t !== "Unused"),
    );
    // awsx's default layout when no specs are given: public + private.
    if (types.size === 0) ["Public", "Private"].forEach((t) => types.add(t));
    const ids = (type: string) =>
      types.has(type)
        ? Array.from(
            { length: azCount },
            (_, i) => `subnet-${stableHex(`${r.name}/${type}/${i}`, 17)}`,
          )
        : [];
    const vpcId = `vpc-${stableHex(r.name, 17)}`;
    return {
      vpcId,
      publicSubnetIds: ids("Public"),
      privateSubnetIds: ids("Private"),
      isolatedSubnetIds: ids("Isolated"),
    };
  },
  "eks:index:Cluster": (r) => {
    const name = String(r.inputs.name ?? `${r.name}-eksCluster-${stableHex(r.name, 7)}`);
    const arn = `arn:aws:eks:${r.region}:${MOCK_ACCOUNT_ID}:cluster/${name}`;
    const endpoint = `https://${stableHex(name, 32).toUpperCase()}.gr7.${r.region}.eks.amazonaws.com`;
    return {
      eksCluster: {
        name,
        arn,
        endpoint,
        version: r.inputs.version ?? "1.33",
        vpcConfig: { clusterSecurityGroupId: `sg-${stableHex(`${name}/eks-managed`, 17)}` },
        // A base64 PEM bundle, as EKS reports it; the kubeconfig carries it.
        certificateAuthority: {
          data: Buffer.from(
            `-----BEGIN CERTIFICATE-----\n${stableHex(name, 64)}\n-----END CERTIFICATE-----\n`,
          ).toString("base64"),
        },
      },
      clusterSecurityGroupId: `sg-${stableHex(`${name}/control-plane`, 17)}`,
      nodeSecurityGroupId: "",
      oidcProviderArn: "",
      kubeconfigJson: JSON.stringify({ apiVersion: "v1", kind: "Config", clusters: [] }),
    };
  },
  "aws:eks/nodeGroup:NodeGroup": (r) => {
    const clusterName = String(r.inputs.clusterName ?? "cluster");
    const nodeGroupName = String(r.inputs.nodeGroupName ?? `${r.name}-${stableHex(r.name, 7)}`);
    return {
      id: `${clusterName}:${nodeGroupName}`,
      nodeGroupName,
      arn: `arn:aws:eks:${r.region}:${MOCK_ACCOUNT_ID}:nodegroup/${clusterName}/${nodeGroupName}/${stableHex(r.name, 8)}-${stableHex(r.name + "#", 4)}`,
      status: "ACTIVE",
    };
  },
  "aws:ec2/launchTemplate:LaunchTemplate": (r) => {
    const id = `lt-${stableHex(r.name, 17)}`;
    return {
      id,
      arn: `arn:aws:ec2:${r.region}:${MOCK_ACCOUNT_ID}:launch-template/${id}`,
      latestVersion: 1,
      defaultVersion: 1,
    };
  },
  "aws:lb/loadBalancer:LoadBalancer": (r) => {
    const arnSuffix = `app/${physicalName(r)}/${stableHex(r.name, 16)}`;
    return {
      arn: `arn:aws:elasticloadbalancing:${r.region}:${MOCK_ACCOUNT_ID}:loadbalancer/${arnSuffix}`,
      arnSuffix,
      // ALB DNS names carry a decimal id: shop-use1-alb-1234567890.us-east-1.elb.amazonaws.com
      dnsName: `${physicalName(r)}-${parseInt(stableHex(r.name, 8), 16)}.${r.region}.elb.amazonaws.com`,
      // The ALB canonical hosted zone ids AWS publishes for these regions.
      zoneId: ALB_ZONE_IDS[r.region] ?? `Z${stableHex(r.region, 13).toUpperCase()}`,
    };
  },
  "aws:lb/targetGroup:TargetGroup": (r) => {
    // Target group names are at most 32 characters; autonaming keeps a 7-character suffix.
    const name =
      typeof r.inputs.name === "string"
        ? r.inputs.name
        : `${r.name.slice(0, 24)}-${stableHex(r.name, 7)}`;
    const arnSuffix = `targetgroup/${name}/${stableHex(r.name, 16)}`;
    return {
      name,
      arn: `arn:aws:elasticloadbalancing:${r.region}:${MOCK_ACCOUNT_ID}:${arnSuffix}`,
      arnSuffix,
    };
  },
  "aws:lb/listener:Listener": (r) => {
    const lb = String(r.inputs.loadBalancerArn ?? "").split(":loadbalancer/")[1] ?? "app/lb/0";
    const arn = `arn:aws:elasticloadbalancing:${r.region}:${MOCK_ACCOUNT_ID}:listener/${lb}/${stableHex(r.name, 16)}`;
    return { id: arn, arn };
  },
  "aws:ec2/securityGroup:SecurityGroup": (r) => {
    const id = `sg-${stableHex(r.name, 17)}`;
    return {
      id,
      name: autoName(r),
      arn: `arn:aws:ec2:${r.region}:${MOCK_ACCOUNT_ID}:security-group/${id}`,
    };
  },
  // Also in auroraKmsSecrets.ts; this entry wins (spread later) and adds only `name`, which AWS
  // reports for every role (its id is the same name). Keep the two identical otherwise.
};

/** Route 53 alias hosted zone ids of Application Load Balancers, per region. */
const ALB_ZONE_IDS: Record<string, string> = {
  "us-east-1": "Z35SXDOTRQ7X7K",
  "us-east-2": "Z3AADJGX6KTTL2",
  "us-west-1": "Z368ELLRRE2KJ0",
  "us-west-2": "Z1H1FL5HABSF5",
  "eu-west-1": "Z32O12XQLNTSW2",
  "eu-west-2": "ZHURV8PSTC4K8",
  "eu-central-1": "Z215JYRZR1TBD5",
  "ap-southeast-1": "Z1LMS91P8CMLE5",
  "ap-northeast-1": "Z14GRHDCWA56QT",
};

function vpcAzCount(r: MockedResource): number {
  if (Array.isArray(r.inputs.availabilityZoneNames)) return r.inputs.availabilityZoneNames.length;
  const n = Number(r.inputs.numberOfAvailabilityZones ?? 3);
  return Number.isInteger(n) && n > 0 ? n : 3;
}

/** The physical name: the `name` input, or what Pulumi's autonaming would make of the logical name. */
function autoName(r: MockedResource): string {
  return typeof r.inputs.name === "string" && r.inputs.name.length > 0
    ? r.inputs.name
    : `${r.name}-${stableHex(r.name, 7)}`;
}
