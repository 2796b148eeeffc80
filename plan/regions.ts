import type { DrConfig } from "../config";
import type { RenderedResource } from "./render";

/**
 * Where each rendered resource lives and whose regional API endpoints its provider calls.
 *
 * A cell's stack must stay operable (preview, up, refresh) while any other region is down, so
 * every resource in it should live in the stack's own region and be managed through that
 * region's endpoint. The exceptions are listed in REGION_EXCEPTIONS, each with its reason;
 * `plan/regions.test.ts` holds every shipped stack to this.
 */

/** Services without regions: their one API endpoint is not any cell's region. */
const GLOBAL_MODULES: Record<string, string> = {
  iam: "IAM is a global service",
  cloudfront: "CloudFront is a global service",
  organizations: "Organizations is a global service",
  route53recoverycontrolconfig: "ARC's control plane is a global service",
  route53recoveryreadiness: "ARC readiness checks are a global service",
  shield: "Shield Advanced has one API endpoint (us-east-1), which the provider always calls",
};
/** Route 53's global part; the `route53` module also holds regional Resolver resources. */
const ROUTE53_GLOBAL_TYPES = new Set([
  "aws:route53/healthCheck:HealthCheck",
  "aws:route53/record:Record",
  "aws:route53/zone:Zone",
  "aws:route53/delegationSet:DelegationSet",
]);

export type PlacementBasis =
  /** The resource's own `region` input (@pulumi/aws v7 per-resource region). */
  | "input"
  /** The region of the explicit provider the resource was given. */
  | "provider"
  /** The stack's `aws:region` (the default provider). */
  | "stack"
  /** A global service: no region. */
  | "global"
  /** Not a cloud resource (a component, a StackReference, a local value). */
  | "none";

export interface Placement {
  /** The AWS region the resource lives in; "global" for global services; null for none. */
  region: string | null;
  basis: PlacementBasis;
  /**
   * Every regional endpoint the provider calls to create, read, update or delete the
   * resource: its own region plus any other (see MANAGED_THROUGH). Empty for global and
   * non-cloud resources.
   */
  managedThrough: string[];
}

/** A provider resource as the render recorded it: its name and its region input. */
export interface ProviderRecord {
  name: string;
  region?: string;
}

const DYNAMODB_ARN_REGION = /^arn:aws[\w-]*:dynamodb:([a-z0-9-]+):/;
const KMS_ARN_REGION = /^arn:aws[\w-]*:kms:([a-z0-9-]+):/;

/**
 * Regions a resource type's provider calls besides the resource's own, read from the provider
 * source (terraform-provider-aws, which @pulumi/aws bridges):
 * - `aws_dynamodb_table_replica`: create, read, update and delete go through the region of
 *   `global_table_arn` (`UpdateTable` / `DescribeTable` with `o.Region = mainRegion`).
 * - `aws_kms_replica_key`: create calls `ReplicateKey` in the primary key's region; read,
 *   update and delete use the replica's own region.
 * - `aws_dynamodb_table`: read calls `DescribeContinuousBackups` in every replica region the
 *   table reports (`addReplicaPITRs`), whether or not `replicas` is managed here.
 */
export function otherManagementRegions(
  r: RenderedResource,
  context: { replicaRegions?: string[] } = {},
): string[] {
  const inputs = r.inputs;
  switch (r.type) {
    case "aws:dynamodb/tableReplica:TableReplica": {
      const m = DYNAMODB_ARN_REGION.exec(String(inputs.globalTableArn ?? ""));
      return m ? [m[1]] : [];
    }
    case "aws:kms/replicaKey:ReplicaKey": {
      const m = KMS_ARN_REGION.exec(String(inputs.primaryKeyArn ?? ""));
      return m ? [m[1]] : [];
    }
    case "aws:dynamodb/table:Table":
      return context.replicaRegions ?? [];
    default:
      return [];
  }
}

/**
 * Where `r` lives: its `region` input, else its explicit provider's region, else the stack's
 * region; global services and non-cloud resources have none.
 */
export function placementOf(
  r: RenderedResource,
  stackRegion: string,
  providers: Map<string, ProviderRecord> = new Map(),
  context: { replicaRegions?: string[] } = {},
): Placement {
  const [pkg, rest = ""] = r.type.split(":");
  const mod = rest.split("/")[0];
  if (!r.custom || r.type.startsWith("pulumi:") || pkg === "random") {
    return { region: null, basis: "none", managedThrough: [] };
  }
  if (pkg === "aws" && (mod in GLOBAL_MODULES || ROUTE53_GLOBAL_TYPES.has(r.type))) {
    return { region: "global", basis: "global", managedThrough: [] };
  }
  let region = stackRegion;
  let basis: PlacementBasis = "stack";
  const provider = r.provider ? providers.get(r.provider) : undefined;
  if (typeof r.inputs.region === "string" && r.inputs.region !== "") {
    region = r.inputs.region;
    basis = "input";
  } else if (provider?.region) {
    region = provider.region;
    basis = "provider";
  }
  const others = otherManagementRegions(r, context).filter((x) => x !== region);
  return { region, basis, managedThrough: [region, ...new Set(others)] };
}

/** One resource that may live, or be managed, outside its stack's region, and why. */
export interface RegionException {
  /** A short, stable name (tests and the plan cite it). */
  id: string;
  type: string;
  /** "placement": lives in another region; "management": its provider calls another region. */
  kind: "placement" | "management";
  /** Whether the exception covers this resource in this stack for this region. */
  covers(r: RenderedResource, region: string, config: DrConfig): boolean;
  reason: string;
}

/**
 * The writer-gate alarms a stack hosts in the witness regions (`dr:trafficSwitch.witnessRegions`,
 * regions without a cell). The traffic component owns which stack hosts which witness gate;
 * adjust `covers` when that changes.
 */
export const WRITER_GATE_WITNESS_EXCEPTION: RegionException = {
  id: "writer-gate-alarm-in-witness-region",
  type: "aws:cloudwatch/metricAlarm:MetricAlarm",
  kind: "placement",
  covers: (r, region, config) =>
    config.trafficSwitch.type === "cloudwatch-gate" &&
    (config.trafficSwitch.witnessRegions as readonly string[]).includes(region) &&
    /-writer-gate-/.test(String(r.inputs.name ?? "")),
  reason:
    "A witness region holds no cell, so no stack of its own; some cell's stack must host its " +
    "writer-gate alarms. Losing the witness region costs one gate of at least three, which the " +
    "majority absorbs; the hosting stack's refresh needs `--exclude` for them meanwhile.",
};

/**
 * The edge's us-east-1 resources (components/edge): CloudFront takes its viewer certificate
 * from ACM in us-east-1 only, and a web ACL of CLOUDFRONT scope exists in us-east-1 only.
 * The home stack owns the edge; from any other home region these three live in us-east-1.
 */
const EDGE_US_EAST_1_REASON =
  "CloudFront's control plane, its ACM certificates and WAF's CLOUDFRONT scope live in " +
  "us-east-1 only. While us-east-1 is down the distribution keeps serving with its deployed " +
  "certificate and web ACL (CloudFront's data plane is global), but none of the three can be " +
  "changed; refresh the home stack with `--exclude` for them meanwhile (docs/layers/edge.md).";
const EDGE_US_EAST_1: readonly { id: string; type: string }[] = [
  { id: "edge-web-acl-in-us-east-1", type: "aws:wafv2/webAcl:WebAcl" },
  { id: "edge-certificate-in-us-east-1", type: "aws:acm/certificate:Certificate" },
  {
    id: "edge-certificate-validation-in-us-east-1",
    type: "aws:acm/certificateValidation:CertificateValidation",
  },
];
export const EDGE_US_EAST_1_EXCEPTIONS: readonly RegionException[] = EDGE_US_EAST_1.map(
  ({ id, type }) => ({
    id,
    type,
    kind: "placement" as const,
    covers: (r: RenderedResource, region: string, config: DrConfig) =>
      config.role === "home" &&
      region === "us-east-1" &&
      // Only the edge's: a regional certificate or web ACL elsewhere must stay in its region.
      (type !== "aws:wafv2/webAcl:WebAcl" || r.inputs.scope === "CLOUDFRONT") &&
      /-edge-/.test(r.name),
    reason: EDGE_US_EAST_1_REASON,
  }),
);

export const REGION_EXCEPTIONS: readonly RegionException[] = [
  WRITER_GATE_WITNESS_EXCEPTION,
  ...EDGE_US_EAST_1_EXCEPTIONS,
  {
    id: "dynamodb-replica-managed-through-home-table",
    type: "aws:dynamodb/tableReplica:TableReplica",
    kind: "management",
    covers: (r, region, config) => config.role === "joiner" && region === config.homeRegion,
    reason:
      "A global table's replica set belongs to the table: the provider adds, reads and removes " +
      "a replica through the region of `globalTableArn` (the home table), and no resource of " +
      "@pulumi/aws manages a replica through its own region. During an outage of the home " +
      "region, run the joiner's refresh with `--exclude` for its replicas (the plan prints the " +
      "command); `pulumi up` without --refresh does not call the provider for an unchanged replica.",
  },
  {
    id: "dynamodb-home-table-reads-replica-regions",
    type: "aws:dynamodb/table:Table",
    kind: "management",
    covers: (_r, region, config) =>
      config.role === "home" && config.peers.some((p) => p.region === region),
    reason:
      "The provider's read of a global table asks every replica region for its point-in-time " +
      "recovery status. During an outage of a joiner's region, refresh the home stack with " +
      "`--exclude` for its tables.",
  },
  {
    id: "kms-replica-key-created-through-primary",
    type: "aws:kms/replicaKey:ReplicaKey",
    kind: "management",
    covers: (_r, region, config) => config.role === "joiner" && region === config.homeRegion,
    reason:
      "KMS creates a multi-Region replica key only through `ReplicateKey` in the primary key's " +
      "region; after creation the provider reads, updates and deletes it in its own region, so " +
      "an outage of the home region affects only a first deploy.",
  },
];

/** What breaks the "own region" rule in a render: each resource, region and missing exception. */
export interface RegionFinding {
  resource: string;
  type: string;
  kind: "placement" | "management";
  region: string;
  /** The exception that covers it, if any. */
  exception?: string;
}

/**
 * Every resource that lives or is managed outside `config.region`, with the exception that
 * covers it (undefined when none does). Global and non-cloud resources never appear.
 */
export function regionFindings(
  resources: readonly (RenderedResource & { placement: Placement })[],
  config: DrConfig,
  exceptions: readonly RegionException[] = REGION_EXCEPTIONS,
): RegionFinding[] {
  const findings: RegionFinding[] = [];
  const cover = (r: RenderedResource, kind: RegionFinding["kind"], region: string) =>
    exceptions.find((e) => e.type === r.type && e.kind === kind && e.covers(r, region, config))?.id;
  for (const r of resources) {
    const p = r.placement;
    if (p.region === null || p.region === "global") continue;
    if (p.region !== config.region) {
      findings.push({
        resource: r.name,
        type: r.type,
        kind: "placement",
        region: p.region,
        exception: cover(r, "placement", p.region),
      });
    }
    for (const other of p.managedThrough.filter((x) => x !== p.region && x !== config.region)) {
      findings.push({
        resource: r.name,
        type: r.type,
        kind: "management",
        region: other,
        exception: cover(r, "management", other),
      });
    }
  }
  return findings;
}
