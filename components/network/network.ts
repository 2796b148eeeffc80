import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { CellIdentity, cellTags, regionalName } from "../naming";
import { throwArgIssues } from "../../validation/componentArgs";
import { azCountProblem, cidrBlockProblem, subnetLayout, SubnetLayout } from "./subnetLayout";

export interface CellNetworkArgs {
  identity: CellIdentity;
  /**
   * The cell's IPv4 block, a /16 to /20 that overlaps no peer cell (config checks the overlap).
   * Plain, not an Input: the subnet plan is computed from it before anything is created.
   */
  cidrBlock: string;
  /** Availability zones the cell spans, 3 to 6. Defaults to 3 (or to the zones named below). */
  azCount?: number;
  /**
   * The zones to use, when the region's first `azCount` will not do (EKS refuses some zones,
   * such as use1-az3 in us-east-1; some instance types are missing from others). Defaults to
   * the region's first `azCount` zones.
   */
  availabilityZoneNames?: string[];
}

export interface CellNetworkOutputs {
  vpc: awsx.ec2.Vpc;
  layout: SubnetLayout;
  azCount: number;
}

/** AWS services reached through gateway endpoints: free, and no NAT hop on the data path. */
export const GATEWAY_ENDPOINT_SERVICES = ["s3", "dynamodb"] as const;

/** Every problem with the network args, each naming the arg and the fix. */
export function networkArgIssues(args: CellNetworkArgs): pulumi.InputPropertyErrorDetails[] {
  const issues: pulumi.InputPropertyErrorDetails[] = [];
  const add = (propertyPath: string, reason: string) => issues.push({ propertyPath, reason });
  const zones = args.availabilityZoneNames;
  const azCount = args.azCount ?? zones?.length ?? 3;
  if (zones) {
    const region = args.identity.region;
    const foreign = zones.find((z) => !new RegExp(`^${region}[a-z]$`).test(z));
    if (foreign !== undefined) {
      add(
        "availabilityZoneNames",
        `'${foreign}' is not a zone of ${region}; name zones like ${region}a.`,
      );
    }
    if (new Set(zones).size !== zones.length || zones.length !== azCount) {
      add(
        "availabilityZoneNames",
        `lists ${zones.length} zone name(s), ${new Set(zones).size} distinct, for azCount ${azCount}; list each zone once, as many as azCount (or leave azCount out).`,
      );
    }
  }
  const cidrProblem = cidrBlockProblem(args.cidrBlock);
  if (cidrProblem) add("cidrBlock", cidrProblem);
  const azProblem = azCountProblem(azCount);
  if (azProblem) add("azCount", azProblem);
  return issues;
}

/**
 * The cell's VPC: public, private and isolated subnets in every AZ, one NAT gateway per AZ (an
 * AZ outage must not cut the other AZs' egress), and gateway endpoints for S3 and DynamoDB so
 * the replicated stores are reached without a NAT hop.
 */
export function createCellNetwork(
  name: string,
  args: CellNetworkArgs,
  parent: pulumi.Resource,
): CellNetworkOutputs {
  throwArgIssues(`dr:network:CellNetwork ${name}`, networkArgIssues(args));
  const azCount = args.azCount ?? args.availabilityZoneNames?.length ?? 3;
  const layout = subnetLayout(args.cidrBlock, azCount);
  const tags = cellTags(args.identity);
  const vpc = new awsx.ec2.Vpc(
    `${name}-vpc`,
    {
      cidrBlock: args.cidrBlock,
      // awsx takes one or the other.
      ...(args.availabilityZoneNames
        ? { availabilityZoneNames: args.availabilityZoneNames }
        : { numberOfAvailabilityZones: azCount }),
      enableDnsHostnames: true,
      enableDnsSupport: true,
      // "Auto" with explicit cidrBlocks selects awsx's explicit allocator: the plan above, as is.
      subnetStrategy: "Auto",
      subnetSpecs: [
        // awsx tags every subnet with the VPC's tags; the role tags let the AWS Load Balancer
        // Controller find the subnets if the operator installs it.
        {
          type: "Private",
          cidrBlocks: layout.private,
          tags: { "kubernetes.io/role/internal-elb": "1" },
        },
        { type: "Isolated", cidrBlocks: layout.isolated },
        { type: "Public", cidrBlocks: layout.public, tags: { "kubernetes.io/role/elb": "1" } },
      ],
      natGateways: { strategy: "OnePerAz" },
      // awsx is a remote component: its route tables do not exist when this program runs, so
      // gateway endpoints cannot name them. The "Auto" strategy lets awsx attach each gateway
      // endpoint to the route tables it generates (private, isolated and public alike).
      vpcEndpointStrategy: "Auto",
      vpcEndpointSpecs: GATEWAY_ENDPOINT_SERVICES.map((service) => ({
        serviceName: `com.amazonaws.${args.identity.region}.${service}`,
        vpcEndpointType: "Gateway",
        tags: { ...tags, Name: regionalName(args.identity, `${service}-endpoint`) },
      })),
      tags: { ...tags, Name: regionalName(args.identity, "vpc") },
    },
    { parent },
  );
  return { vpc, layout, azCount };
}

/** A cell's VPC: the same shape in every region, only the CIDR block differs. */
export class CellNetwork extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly cidrBlock: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  readonly isolatedSubnetIds: pulumi.Output<string[]>;
  /** Known when the program runs (other components size themselves by it). */
  readonly azCount: number;

  constructor(name: string, args: CellNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dr:network:CellNetwork", name, {}, opts);
    const out = createCellNetwork(name, args, this);
    this.vpcId = out.vpc.vpcId;
    this.cidrBlock = pulumi.output(args.cidrBlock);
    this.publicSubnetIds = out.vpc.publicSubnetIds;
    this.privateSubnetIds = out.vpc.privateSubnetIds;
    this.isolatedSubnetIds = out.vpc.isolatedSubnetIds;
    this.azCount = out.azCount;
    this.registerOutputs({
      vpcId: this.vpcId,
      cidrBlock: this.cidrBlock,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      isolatedSubnetIds: this.isolatedSubnetIds,
      azCount: this.azCount,
    });
  }
}
